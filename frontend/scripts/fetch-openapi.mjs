// Save the running server's OpenAPI document as openapi.json (the input of `npm run gen:api`).
// Usage: node scripts/fetch-openapi.mjs [base URL, default http://127.0.0.1:8000]
import { writeFile } from "node:fs/promises";

const base = process.argv[2] ?? process.env.API_URL ?? "http://127.0.0.1:8000";
const response = await fetch(new URL("/api/v1/openapi.json", base));
if (!response.ok) throw new Error(`GET /api/v1/openapi.json: ${response.status}`);
const document = await response.json();
await writeFile(
  new URL("../openapi.json", import.meta.url),
  `${JSON.stringify(document, null, 2)}\n`,
);
process.stdout.write(`saved openapi.json from ${base}\n`);
