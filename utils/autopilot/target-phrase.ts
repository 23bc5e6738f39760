/**
 * The autopilot's target phrase without an LLM: the thing the user's intent is about ("the river
 * should be chocolate" → "the river"), for the text-prompted detector. A few sentence shapes, no
 * dictionary: what is said about the thing follows a copula or modal ("X should be…", "X is too…",
 * "X looks…"), or the thing follows an editing verb ("make X…", "turn X into…", "remove X").
 * Pure.
 */

/** Editing verbs whose object is the thing ("make the sky darker", "remove the car"). */
const LEADING_VERB = /^(?:please\s+)?(?:make|turn|change|paint|colou?r|recolou?r|fix|replace|remove|erase|delete|edit|repaint|redo|select|find|mark)\s+/;
/** Where the thing's description ends after a leading verb ("turn the river into…"). */
const AFTER_OBJECT = /\s(?:into|to|with|so|as|by|from|instead|more|less|a\s+bit|darker|lighter|brighter|bigger|smaller|red|orange|yellow|green|blue|purple|pink|brown|black|white|gr[ae]y)\b/g;
const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'his', 'her', 'its', 'their', 'my', 'our', 'your']);
/** What comes after the thing in "X should be…" sentences. */
const COPULA = /\s(?:to\s+be|should(?:n't)?|must|needs?|ought|is|are|isn't|aren't|was|were|looks?|seems?|has|have|can't|cannot|doesn't|don't|does|do|came\s+out|comes\s+out|turned\s+out|appears?)\b/;
const LEAD_IN = /^(?:i\s+(?:want|would\s+like|'d\s+like)|can\s+you|could\s+you|let's)\s+/;
export const TARGET_MAX_WORDS = 6;

/** The target phrase, or undefined when the intent names nothing the detector could look for. */
export function targetPhrase(intent: string): string | undefined {
  let text = intent
    .toLowerCase()
    .replace(/[“”"«»]/g, ' ')
    .replace(/[.!?;:,]+(\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(LEAD_IN, '');
  const verb = LEADING_VERB.exec(text);
  if (verb) {
    text = text.slice(verb[0].length);
    // The first cut with a noun before it: "make the sky blue" → "the sky", "replace the blue river with…" → "the blue river".
    for (const end of ` ${text}`.matchAll(AFTER_OBJECT)) {
      const before = ` ${text}`.slice(0, end.index).trim();
      if (before.split(' ').some((w) => w && !DETERMINERS.has(w))) {
        text = before;
        break;
      }
    }
  } else {
    const end = COPULA.exec(` ${text}`);
    if (end) text = ` ${text}`.slice(0, end.index).trim();
  }
  const words = text.split(' ').filter((w) => w && /\p{L}/u.test(w));
  if (words.length === 0) return undefined;
  return words.slice(0, TARGET_MAX_WORDS).join(' ');
}
