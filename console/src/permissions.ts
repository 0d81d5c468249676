/**
 * The role permission vocabulary: which permissions a role of each type may
 * hold. It comes from the server (GET /admin/Permissions, which serves the
 * lists parley-protocol's permission module accepts), so the console never
 * keeps its own copy; the matrix also shows whatever the server's roles
 * already hold.
 */

import { get } from "./api";

export type RoleType = "deployment" | "channel";

/** Permission names by role type, as the server lists them. */
export interface Vocabulary {
  deployment: string[];
  channel: string[];
}

let vocabulary: Vocabulary | null = null;

/** Fetches the vocabulary once per page load. */
export async function loadVocabulary(): Promise<Vocabulary> {
  if (!vocabulary) vocabulary = await get<Vocabulary>("/admin/Permissions");
  return vocabulary;
}

/** Sets (or with null forgets) the vocabulary: tests, and sign-out. */
export function setVocabulary(v: Vocabulary | null): void {
  vocabulary = v;
}

/** Every permission a role of `type` may hold, in the server's order (empty before `loadVocabulary`). */
export function permissionsFor(type: RoleType): string[] {
  return [...(vocabulary?.[type] ?? [])];
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
