/**
 * A search's field-level filter (Code Ocean's `filters`), declared once: the client sends it,
 * the lookups take it from programs.
 */
import { z } from "zod";
import * as t from "../../declare/types";

const scalar = z.union([z.string(), z.number()]);
const filterValue = t.any(scalar, "string | number", "string or number");

export const SearchFilter = t.object(
  "SearchFilter",
  "A field-level filter of a search: one value, any of several values, or a numeric range; `exclude` inverts it.",
  {
    key: t.required(
      t.string(
        z.string().min(1, "must name a field: name, description, tags or a custom metadata field"),
      ),
      "`name`, `description`, `tags`, or a custom metadata field's name.",
    ),
    value: t.optional(
      filterValue,
      "The field has this value (for a list field: among its values).",
    ),
    values: t.optional(
      t.array(filterValue, {
        expected: "a list of values",
        refine: (list) => list.min(1, "must not be empty"),
      }),
      "The field has one of these values.",
    ),
    range: t.optional(
      t.object(
        "SearchRange",
        "A numeric range, inclusive; either end may be left out.",
        {
          min: t.optional(t.number(z.number()), "The least value."),
          max: t.optional(t.number(z.number()), "The greatest value."),
        },
        {
          expected: "an object, e.g. { min: 1, max: 10 }",
          rules: [
            (r, ctx) => {
              if (r.min === undefined && r.max === undefined)
                ctx.addIssue({ code: "custom", message: "needs min, max or both" });
            },
          ],
        },
      ),
      "A number field within this range.",
    ),
    exclude: t.optional(t.boolean(), "Invert the filter: what does not match it."),
  },
  {
    expected: 'an object, e.g. { key: "tags", values: ["ephys", "imaging"] }',
    rules: [
      (f, ctx) => {
        if ([f.value, f.values, f.range].filter((x) => x !== undefined).length !== 1)
          ctx.addIssue({ code: "custom", message: "needs exactly one of value, values and range" });
      },
    ],
  },
);

export type SearchFilterValue = z.output<typeof SearchFilter.zod>;
