// Direct conversations: which channels are one (the shell fills `direct`
// with the other people, after checking the channel's marker), how they are
// titled (the other people's display names where known, else identities),
// who of them is online (1:1), and the dialog that starts one.
// sidebar.ts draws the list; main.ts opens what the dialog gives.
import * as cmd from "./bindings/commands";
import { $ } from "./dom";
import { errorText, t } from "./i18n";
import type { ChannelSid, ChannelSummary, MemberView } from "./types";
import { listOf } from "./view";

/** Whether `c` is a direct conversation. */
export function isDirect(c: Pick<ChannelSummary, "direct">): boolean {
  return (c.direct?.length ?? 0) > 0;
}

/** Display names and presence of the people of direct conversations, as
 *  their channels' member lists last said. */
const names = new Map<string, string>();
const online = new Map<string, boolean | null>();

/** Remembers what a member list says of its people. */
export function remember(members: MemberView[]): void {
  for (const m of members) {
    if (m.friendly_name) names.set(m.identity, m.friendly_name);
    online.set(m.identity, m.online);
  }
}

/** The title of a direct conversation: "Bob", "Bob, Carol, and dave". */
export function directTitle(people: string[]): string {
  return listOf(people.map((p) => names.get(p) || p));
}

/** Whether `identity` is online (null: not known or not tracked). */
export function onlineOf(identity: string): boolean | null {
  return online.get(identity) ?? null;
}

/** The identities typed in the dialog: separated by commas or spaces,
 *  each once, "@" before a name allowed. */
export function parsePeople(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/[\s,，、]+/)) {
    const w = word.replace(/^@/, "");
    if (w && !out.includes(w)) out.push(w);
  }
  return out;
}

/** Reads the members of each direct conversation (one call each) and
 *  calls `update` with the channel once its people are known. */
export function fetchPeople(list: ChannelSummary[], update: (c: ChannelSummary) => void): void {
  for (const c of list) {
    void cmd.members(c.sid).then(
      (members) => {
        remember(members);
        update(c);
      },
      () => {},
    );
  }
}

/** Wires the "+" button and the dialog: Start opens the conversation with
 *  the people typed (`open`), or says in the dialog what went wrong. */
export function installDirectDialog(open: (sid: ChannelSid) => Promise<void>): void {
  const d = $<HTMLDialogElement>("direct-dialog");
  const input = $<HTMLInputElement>("direct-people");
  const error = $("direct-error");
  $("new-direct").addEventListener("click", () => {
    input.value = "";
    error.textContent = "";
    d.showModal();
    input.focus();
  });
  $("direct-cancel").addEventListener("click", () => d.close());
  $("direct-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    const people = parsePeople(input.value);
    if (people.length === 0) {
      error.textContent = t("directs-no-people");
      return;
    }
    let sid: ChannelSid;
    try {
      sid = await cmd.openDirect(people);
    } catch (e) {
      error.textContent = errorText(e);
      return;
    }
    d.close();
    await open(sid);
  });
}
