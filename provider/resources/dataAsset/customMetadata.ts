/**
 * `customMetadata` against the deployment's admin-defined schema (`GET /custom_metadata`),
 * so that a wrong field name or type fails at preview instead of at the POST.
 */
import type { CustomMetadataField } from "../../core/api/schemas";
import { CheckFailure, propertyPath, UNKNOWN } from "../../declare/validate";

/** Why one value (a single value, or one element of a list) does not fit its field, if it does not. */
function valueProblem(value: unknown, field: CustomMetadataField): string | undefined {
  if (value === UNKNOWN) return undefined;
  const wantsNumber = field.type === "number" || field.type === "date";
  if (wantsNumber && typeof value !== "number") {
    return field.type === "date"
      ? "is a date field: give epoch seconds as a number, e.g. 1676246400"
      : "is a number field: give a number";
  }
  if (field.type === "string" && typeof value !== "string") return "is a text field: give a string";
  const problems: string[] = [];
  if (typeof value === "number") {
    if (field.min !== undefined && value < field.min)
      problems.push(`must be at least ${field.min}`);
    if (field.max !== undefined && value > field.max) problems.push(`must be at most ${field.max}`);
  }
  if (field.allowedValues?.length && !field.allowedValues.includes(value as string | number)) {
    problems.push(`must be one of ${field.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  return problems.length ? problems.join("; ") : undefined;
}

/** Failures for values that the deployment's admin-defined schema would reject. */
export function validateCustomMetadata(
  values: Record<string, unknown>,
  fields: CustomMetadataField[],
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  const prop = (k: string) => propertyPath(["customMetadata", k]);
  for (const [key, value] of Object.entries(values)) {
    if (value === UNKNOWN) continue;
    const field = byName.get(key);
    if (!field) {
      const known = fields.map((f) => JSON.stringify(f.name)).join(", ");
      failures.push({
        property: prop(key),
        reason: `is not a custom metadata field of this deployment; known fields: ${known || "(none)"}`,
      });
      continue;
    }
    if (Array.isArray(value)) {
      if (!field.multiple) {
        failures.push({
          property: prop(key),
          reason:
            "takes one value in this deployment (its schema does not mark the field as taking several); give a single value, not a list",
        });
        continue;
      }
      value.forEach((v, i) => {
        const reason = valueProblem(v, field);
        if (reason) failures.push({ property: `${prop(key)}[${i}]`, reason });
      });
      continue;
    }
    const reason = valueProblem(value, field);
    if (reason) failures.push({ property: prop(key), reason });
  }
  for (const f of fields) {
    if (f.required && !(f.name in values))
      failures.push({
        property: prop(f.name),
        reason: "is required by this deployment's custom metadata schema",
      });
  }
  return failures;
}
