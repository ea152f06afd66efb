/**
 * True when the JSON text nests objects/arrays deeper than `maxDepth`. One linear pass over the
 * raw text, counting brackets outside strings, so an excessive body is refused before JSON.parse
 * and class-transformer recurse into it (a deeply nested body otherwise holds the event loop and
 * can exhaust the stack). Malformed text is left to the parser to refuse.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
