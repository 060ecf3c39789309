/**
 * From fired rules to an outcome and its messages: the hit policy's merge of fired rules' params onto the default
 * outcome, and the `{{path}}` message templates of the applied rules rendered with the outcome.
 */
import { cloneJson } from './json.js';
import { parsePath } from './path.js';
import { readSegments } from './references.js';
import type { FiredRule, HitPolicy, Localized } from './types.js';

/** Merges fired rules' params onto the default outcome per the hit policy. */
export function mergeOutcome(base: Record<string, unknown>, fired: FiredRule[], policy: HitPolicy): Record<string, unknown> {
  const outcome = cloneJson(base);
  if (policy !== 'collect') {
    const winner = fired[0];
    return winner ? { ...outcome, ...cloneJson(winner.event.params) } : outcome;
  }
  const setBy = new Set<string>();
  for (const rule of fired) {
    for (const [key, value] of Object.entries(rule.event.params)) {
      if (Array.isArray(value)) {
        const current = Array.isArray(outcome[key]) && setBy.has(key) ? (outcome[key] as unknown[]) : [];
        const merged = [...current];
        for (const item of value) {
          if (item !== null && typeof item === 'object') merged.push(cloneJson(item));
          else if (!merged.includes(item)) merged.push(item);
        }
        outcome[key] = merged;
        setBy.add(key);
      } else if (!setBy.has(key)) {
        outcome[key] = cloneJson(value);
        setBy.add(key);
      }
    }
  }
  return outcome;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
type Part = string | { segments: string[] | null };
const templateParts = new Map<string, Part[]>();

/** A template split into text and parsed placeholder paths, once per template text. */
function partsOf(template: string): Part[] {
  let parts = templateParts.get(template);
  if (parts === undefined) {
    parts = [];
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      let segments: string[] | null;
      try {
        segments = parsePath(m[1]!);
      } catch {
        segments = null; // an unsafe path reads as nothing
      }
      parts.push(template.slice(last, m.index), { segments });
      last = m.index + m[0].length;
    }
    parts.push(template.slice(last));
    if (templateParts.size >= 10_000) templateParts.clear();
    templateParts.set(template, parts);
  }
  return parts;
}

/** Replaces `{{path}}` placeholders with outcome values. */
export function interpolate(template: string, outcome: Record<string, unknown>): string {
  let text = '';
  for (const part of partsOf(template)) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    if (part.segments === null) continue;
    const v = readSegments(outcome, part.segments);
    text += v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return text;
}

/**
 * The message of a fired rule that has none of its own: composed from the outcome fields the rule sets, in both
 * languages, so a decision never explains itself with the pack's `defaultMessage` (which is for "no rule fired")
 * or with another rule's words. Already rendered: its values are not read as `{{path}}` templates.
 *
 * @param rule - the fired rule's name
 * @param params - the rule's event params as resolved for this decision
 * @returns the message, e.g. `{ en: 'Rule "level-3" decided: level = 3.', zh: '规则「level-3」决定：level = 3。' }`
 * @example
 * ```ts
 * composedMessage('level-3', { level: 3 }).en; // 'Rule "level-3" decided: level = 3.'
 * ```
 */
export function composedMessage(rule: string, params: Record<string, unknown>): Localized {
  const fields = Object.entries(params).map(([k, v]) => `${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (fields.length === 0) return { zh: `规则「${rule}」命中。`, en: `Rule "${rule}" fired.` };
  return { zh: `规则「${rule}」决定：${fields.join('，')}。`, en: `Rule "${rule}" decided: ${fields.join(', ')}.` };
}

/** A message of a decision: a rule's template (rendered with the outcome) or a composed, already rendered text. */
export type MessagePart = { template: Localized } | { text: Localized };

/**
 * The messages of a decision: the applied rules' messages (a rule without one contributes its composed message),
 * or the default message when no rule applied, rendered with the outcome and joined.
 */
export function renderMessages(parts: MessagePart[], fallback: Localized, outcome: Record<string, unknown>): Localized {
  const list: MessagePart[] = parts.length === 0 ? [{ template: fallback }] : parts;
  const render = (part: MessagePart, lang: 'zh' | 'en'): string => ('text' in part ? part.text[lang] : interpolate(part.template[lang], outcome));
  return {
    zh: list.map((p) => render(p, 'zh')).join('；'),
    en: list.map((p) => render(p, 'en')).join('; '),
  };
}
