// Stands in for the npm package decode-named-character-reference, which the
// Markdown parser imports (vite.config.ts points its imports here). That
// package's browser build decodes a name by writing `&name;` into an
// element as HTML, and no text from a message is ever parsed as HTML; its
// other build carries a table of 2,000 names. markdown.ts turns character
// references off, so message text is not decoded by name at all; whatever
// path of the parser still asks gets these few, and any other name stays
// as it was written.
const NAMES = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
  ["nbsp", "\u00a0"],
]);

/** The character `&value;` stands for, or false when it is no name known here. */
export function decodeNamedCharacterReference(value: string): string | false {
  return NAMES.get(value) ?? false;
}
