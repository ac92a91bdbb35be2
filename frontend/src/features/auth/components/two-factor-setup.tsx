import { Alert, Button, Code, Group, Image, List, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { BusyButton } from "@/components/busy-button";
import { ErrorAlert, fieldErrorsOf } from "@/components/error-alert";
import { PasswordField } from "@/components/password-field";
import { useMe } from "@/features/auth/api/get-me";
import { useConfirmTotp, useDisableMfa, useStartTotp } from "@/features/auth/api/mfa";
import type { TotpEnrollment } from "@/lib/api-schemas";
import { saveBlob } from "@/lib/download";

/** The server's SVG (its own, made from the otpauth URI) as an image: never put in the DOM as markup. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * Two-factor login for the signed-in user: set it up (QR code, the secret for typing in, a code
 * to confirm), then the recovery codes once, with Copy and Download; or turn it off.
 */
export function TwoFactorSetup({ onDone }: { onDone?: () => void }) {
  const me = useMe();
  const [enrollment, setEnrollment] = useState<TotpEnrollment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const start = useStartTotp();

  if (recoveryCodes) {
    return (
      <RecoveryCodesView
        codes={recoveryCodes}
        onDone={() => {
          setRecoveryCodes(null);
          onDone?.();
        }}
      />
    );
  }
  if (enrollment) {
    return (
      <ConfirmEnrollment
        enrollment={enrollment}
        onConfirmed={(codes) => {
          setEnrollment(null);
          setRecoveryCodes(codes);
        }}
        onCancel={() => setEnrollment(null)}
      />
    );
  }
  if (me.data?.mfa_enabled) return <DisableTwoFactor />;
  return (
    <Stack gap="sm" align="flex-start">
      <Text size="sm">
        Two-factor login is <strong>off</strong>. With it on, signing in takes your password and a
        code from an authenticator app on your phone.
      </Text>
      <ErrorAlert error={start.error} title="Could not start the setup" />
      <BusyButton
        busy={start.isPending}
        onClick={() => start.mutate(undefined, { onSuccess: setEnrollment })}
      >
        Set up two-factor login
      </BusyButton>
    </Stack>
  );
}

type ConfirmEnrollmentProps = {
  enrollment: TotpEnrollment;
  onConfirmed: (codes: string[]) => void;
  onCancel: () => void;
};

function ConfirmEnrollment({ enrollment, onConfirmed, onCancel }: ConfirmEnrollmentProps) {
  const [code, setCode] = useState("");
  const codeField = useRef<HTMLInputElement>(null);
  const confirm = useConfirmTotp();
  const fieldErrors = fieldErrorsOf(confirm.error);

  useEffect(() => {
    codeField.current?.focus();
  }, []);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    confirm.mutate(code.trim(), {
      onSuccess: (data) => onConfirmed(data.recovery_codes),
      onError: () => codeField.current?.focus(),
    });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Set up two-factor login">
      <Stack gap="md" maw={440}>
        <Text size="sm">
          Scan this QR code with an authenticator app, then enter the code it shows.
        </Text>
        <Image
          src={svgDataUri(enrollment.qr_svg)}
          alt="QR code for your authenticator app"
          w={200}
          h={200}
          data-testid="mfa-qr"
        />
        <Text size="sm">
          Cannot scan it? Enter this key in the app instead:{" "}
          <Code data-testid="mfa-secret">{enrollment.secret}</Code>
        </Text>
        <ErrorAlert
          error={confirm.error}
          title="Could not turn two-factor on"
          shownFields={["code"]}
        />
        <TextInput
          ref={codeField}
          label="Code from the app"
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          required
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          error={fieldErrors.code}
        />
        <Group>
          <BusyButton type="submit" busy={confirm.isPending} disabled={code.trim() === ""}>
            Turn on
          </BusyButton>
          <Button variant="subtle" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RecoveryCodesView({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const heading = useRef<HTMLDivElement>(null);
  const text = `${codes.join("\n")}\n`;

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <Stack gap="md" maw={440}>
      <Alert color="teal" title="Two-factor login is on" ref={heading} tabIndex={-1} role="status">
        Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone.
        They are shown only now.
      </Alert>
      <List data-testid="recovery-codes" spacing={4} listStyleType="none" ff="monospace">
        {codes.map((code) => (
          <List.Item key={code}>{code}</List.Item>
        ))}
      </List>
      <Group>
        <Button
          variant="default"
          onClick={async () => {
            await navigator.clipboard.writeText(text);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button
          variant="default"
          onClick={() => saveBlob(new Blob([text], { type: "text/plain" }), "recovery-codes.txt")}
        >
          Download
        </Button>
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}

function DisableTwoFactor() {
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const disable = useDisableMfa();
  const fieldErrors = fieldErrorsOf(disable.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    disable.mutate(
      { password, code: code.trim() },
      {
        onSuccess: () => {
          setPassword("");
          setCode("");
        },
      },
    );
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-label="Turn off two-factor login">
      <Stack gap="md" maw={440}>
        <Text size="sm">
          Two-factor login is <strong>on</strong>. To turn it off, enter your password and a code.
        </Text>
        <ErrorAlert
          error={disable.error}
          title="Could not turn two-factor off"
          shownFields={["password", "code"]}
        />
        <PasswordField
          label="Password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={fieldErrors.password}
        />
        <TextInput
          label="Code from the app, or a recovery code"
          name="code"
          autoComplete="one-time-code"
          required
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          error={fieldErrors.code}
        />
        <BusyButton
          type="submit"
          color="red"
          variant="light"
          busy={disable.isPending}
          disabled={password === "" || code.trim() === ""}
        >
          Turn off two-factor login
        </BusyButton>
      </Stack>
    </form>
  );
}
