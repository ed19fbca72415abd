/**
 * Inputs as create and update receive them: what check returned, with the dynamic face's
 * `__provider` set aside.
 */
import type { z } from "zod";
import { CodeOceanError } from "../core/api/errors";
import { validate } from "../declare/validate";
import { PROVIDER_KEY } from "./partialFailure";

/**
 * Checked inputs for create/update. The engine only calls those with inputs that passed
 * check, so a failure here means state written by something else: report it plainly.
 */
export function parseChecked<S extends z.ZodType>(
  schema: S,
  news: Record<string, unknown>,
  resource: string,
): z.output<S> {
  const { [PROVIDER_KEY]: _provider, ...raw } = news;
  const result = validate(schema, raw);
  if (!result.ok) {
    throw new CodeOceanError(
      `invalid ${resource} inputs: ${result.failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`,
    );
  }
  return result.value;
}
