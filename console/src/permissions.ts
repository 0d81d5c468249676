/**
 * The role permission vocabulary, in one place: Twilio Chat's permission
 * names (shared/reference NOTES §7, the same lists parley-protocol's
 * permission.rs accepts), which role type may hold each, and a merge with
 * whatever the server's roles hold so that a permission the console does not
 * know yet still shows up in the matrix.
 */

export type RoleType = "deployment" | "channel";

const DEPLOYMENT_ONLY = ["createChannel", "joinChannel", "editOwnUserInfo", "editAnyUserInfo"] as const;
const CHANNEL_ONLY = [
  "sendMessage",
  "sendMediaMessage",
  "leaveChannel",
  "deleteOwnMessage",
  "editNotificationLevel",
  "editOwnMemberAttributes",
] as const;
const BOTH = [
  "destroyChannel",
  "inviteMember",
  "removeMember",
  "editChannelName",
  "editChannelAttributes",
  "addMember",
  "editOwnMessage",
  "editAnyMessage",
  "editOwnMessageAttributes",
  "editAnyMessageAttributes",
  "deleteAnyMessage",
  "editAnyMemberAttributes",
] as const;

/** Every permission a role of `type` may hold, in a stable order. */
export function permissionsFor(type: RoleType): string[] {
  return type === "deployment" ? [...DEPLOYMENT_ONLY, ...BOTH] : [...CHANNEL_ONLY, ...BOTH];
}

/** Whether `type` roles may hold `permission` (per Twilio's vocabulary). */
export function allowedFor(type: RoleType, permission: string): boolean {
  return permissionsFor(type).includes(permission);
}

/**
 * The rows of the matrix for one role type: the known vocabulary plus any
 * permission the server's roles of that type already hold.
 */
export function matrixRows(type: RoleType, roles: ReadonlyArray<{ type: string; permissions: readonly string[] }>): string[] {
  const rows = permissionsFor(type);
  for (const r of roles) {
    if (r.type !== type) continue;
    for (const p of r.permissions) if (!rows.includes(p)) rows.push(p);
  }
  return rows;
}
