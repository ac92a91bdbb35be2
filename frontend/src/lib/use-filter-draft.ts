import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { isoToLocal, localToIso, updateParams } from "@/lib/url-filters";

const TIME_KEYS = ["since", "until"];

/**
 * A list's filter form over the URL: the fields being edited (`draft`, from the URL at first),
 * `apply` to put them in the URL (page 1), `clear` to empty both. `since` and `until` are
 * edited as local date-times and kept in the URL as ISO.
 */
export function useFilterDraft<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const read = (from: URLSearchParams) =>
    Object.fromEntries(
      keys.map((key) => {
        const value = from.get(key) ?? "";
        return [key, TIME_KEYS.includes(key) ? isoToLocal(value || undefined) : value];
      }),
    ) as Record<K, string>;
  const [draft, setDraft] = useState(() => read(params));
  const set = (key: K) => (value: string | null) => setDraft((d) => ({ ...d, [key]: value ?? "" }));

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const changes: Record<string, string | undefined> = { ...draft };
    for (const key of keys) if (TIME_KEYS.includes(key)) changes[key] = localToIso(draft[key]);
    setParams(updateParams(params, changes));
  }

  function clear() {
    setDraft(read(new URLSearchParams()));
    setParams(new URLSearchParams());
  }

  return { params, setParams, draft, set, apply, clear };
}
