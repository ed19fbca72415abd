/** Who may see and change a data asset: users, groups and everyone (see declare/types.ts). */
import { z } from "zod";
import * as t from "../../../declare/types";
import { typeError } from "../../../declare/validate";
import { noDuplicates, nonEmptyString } from "../checks";

/** What Code Ocean accepts as a user: an e-mail address. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const flag = () => t.boolean();

const USER_ROLES = ["owner", "editor", "viewer"] as const;
const GROUP_ROLES = ["owner", "editor", "viewer", "discoverable"] as const;
const EVERYONE = ["viewer", "discoverable", "none"] as const;

export const UserPermission = t.object(
  "UserPermission",
  "A user's access to the asset.",
  {
    email: t.required(
      t.string(
        z
          .string({ error: typeError('an e-mail address, e.g. "ada@acme.org"') })
          .regex(EMAIL, 'must be an e-mail address, e.g. "ada@acme.org"'),
      ),
      "The user's e-mail address.",
    ),
    role: t.required(t.oneOf(USER_ROLES), '`"owner"`, `"editor"` or `"viewer"`.'),
  },
  { expected: 'an object, e.g. { email: "ada@acme.org", role: "viewer" }' },
);

export const GroupPermission = t.object(
  "GroupPermission",
  "A group's access to the asset.",
  {
    group: t.required(t.string(nonEmptyString('"neuroscience"')), "The group's name."),
    role: t.required(
      t.oneOf(GROUP_ROLES),
      '`"owner"`, `"editor"`, `"viewer"` or `"discoverable"` (found by search, not readable).',
    ),
  },
  { expected: 'an object, e.g. { group: "neuroscience", role: "viewer" }' },
);

export const DataAssetPermissions = t.object(
  "DataAssetPermissions",
  "Who may see and change the asset. Given, the provider owns the asset's sharing: it sets exactly this set once the asset is ready, and a share added or removed in the web UI shows as drift. Removing it revokes what it granted. Updated in place.",
  {
    users: t.defaulted(
      t.array(UserPermission, {
        expected: 'a list, e.g. [{ email: "ada@acme.org", role: "viewer" }]',
        refine: (list) => list.superRefine(noDuplicates("user", (u) => u.email.toLowerCase())),
      }),
      [],
      "Users and their roles (the owner keeps its access; its own entry is left out of outputs unless declared).",
    ),
    groups: t.defaulted(
      t.array(GroupPermission, {
        expected: 'a list, e.g. [{ group: "neuroscience", role: "viewer" }]',
        refine: (list) => list.superRefine(noDuplicates("group", (g) => g.group.toLowerCase())),
      }),
      [],
      "Groups and their roles.",
    ),
    everyone: t.defaulted(
      t.oneOf(EVERYONE),
      "none",
      'What everyone in the deployment may do: `"viewer"`, `"discoverable"` or `"none"`.',
    ),
    shareAssets: t.defaulted(
      flag(),
      false,
      "Also share related assets with the users and groups added.",
    ),
  },
  {
    expected:
      'an object, e.g. { groups: [{ group: "neuroscience", role: "viewer" }], everyone: "discoverable" }',
  },
);

export type PermissionsInput = z.output<typeof DataAssetPermissions.zod>;
