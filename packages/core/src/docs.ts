/**
 * Renders a pack as Markdown for auditors: what it decides, the documents it encodes, its parameters (and which
 * figures the manual does not publish), its input facts, derived facts, a decision table of the rules with their
 * sources, and the default outcome. The output is a pure function of the pack document (no dates, no map order
 * surprises), because each pack's README is generated from it and checked for drift.
 */
import { enumLabel, hitPolicyName, operatorText, sourceKindName } from './enum-labels.js';
import type { Pack } from './pack.js';
import type { Condition, LeafCondition, RulePackDocument } from './types.js';
import { buildConditionTree, type ConditionTree, type PlanNode } from './condition-tree.js';

/** A language of the documentation. */
export type Lang = 'zh' | 'en';

/**
 * A number with thousands separators (deterministic, independent of the runtime's locale data).
 *
 * @example
 * ```ts
 * formatNumber(50000); // '50,000'
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const [int, frac] = String(Math.abs(value)).split('.');
  const grouped = (int ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A JSON value in readable form: numbers grouped, strings bare, arrays as lists. */
export function formatValue(value: unknown, lang: Lang): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => formatValue(v, lang)).join(lang === 'zh' ? '、' : ', ');
  if (value === null) return 'null';
  if (value === undefined) return lang === 'zh' ? '（无）' : '(absent)';
  return JSON.stringify(value);
}

/** The fact a leaf reads, with its property path: `severity.level`. */
export function factLabel(leaf: { fact: string; path?: string }): string {
  return leaf.path ? `${leaf.fact}.${leaf.path.replace(/^\$\./, '')}` : leaf.fact;
}

/** A condition's value in readable form; references show what they refer to (and a parameter its value). */
export function formatOperand(value: unknown, doc: RulePackDocument, lang: Lang): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const ref = value as { param?: string; fact?: string; path?: string; context?: string };
    if (typeof ref.param === 'string') {
      const def = doc.parameters?.[ref.param];
      const unit = def?.unit ? ` ${def.unit}` : '';
      return def ? `${ref.param} (${formatValue(def.value, lang)}${unit})` : ref.param;
    }
    if (typeof ref.fact === 'string') return factLabel({ fact: ref.fact, ...(ref.path ? { path: ref.path } : {}) });
    if (typeof ref.context === 'string') return ref.context;
  }
  if (Array.isArray(value)) return `[${formatValue(value, lang)}]`;
  return formatValue(value, lang);
}

/**
 * One leaf condition in words: `claimAmountYuan ≥ level2ClaimYuan (50,000 yuan)`.
 *
 * @example
 * ```ts
 * formatLeaf({ fact: 'breakdown', operator: 'equal', value: true }, pack.document, 'en'); // 'breakdown = true'
 * ```
 */
export function formatLeaf(leaf: LeafCondition, doc: RulePackDocument, lang: Lang): string {
  const op = operatorText(leaf.operator, lang);
  // A value of an enum the pack labels (`x-labels`) is shown by its label, its code after it.
  const labelled = (v: unknown): string => {
    const label = enumLabel(doc, leaf.fact, leaf.path, v, lang);
    return label === undefined || label === String(v) ? formatValue(v, lang) : lang === 'zh' ? `${label}（${formatValue(v, lang)}）` : `${label} (${formatValue(v, lang)})`;
  };
  const value = leaf.value;
  const text = Array.isArray(value) ? `[${value.map(labelled).join(lang === 'zh' ? '、' : ', ')}]` : value !== null && typeof value === 'object' ? formatOperand(value, doc, lang) : labelled(value);
  return `${factLabel(leaf)} ${op} ${text}`;
}

/**
 * A condition tree in words, groups in parentheses: `(a = 1 or b ≥ 2) and not (c = true)`.
 *
 * @example
 * ```ts
 * formatCondition(pack.document.rules[0]!.conditions, pack.document, 'zh');
 * ```
 */
export function formatCondition(condition: Condition, doc: RulePackDocument, lang: Lang, nested = false): string {
  return formatNode(buildConditionTree(condition, '', undefined, (doc.conditions ?? {}) as Record<string, Condition>).root, doc, lang, nested);
}

/**
 * A compiled condition tree in words: a plan rule's `conditions` (or any node of it), shared conditions already
 * resolved by the plan, so readers of a loaded pack never walk the authored JSON again.
 *
 * @param tree - a {@link ConditionTree} from `pack.plan.rules[i].conditions`, or one node of it
 * @param doc - the pack document (parameter units and enum values)
 * @param lang - `zh` or `en`
 * @returns the condition in words, groups in parentheses
 * @example
 * ```ts
 * formatConditionTree(pack.plan.rules[0]!.conditions, pack.document, 'en'); // 'claimAmountYuan ≥ 50,000'
 * ```
 */
export function formatConditionTree(tree: ConditionTree | PlanNode, doc: RulePackDocument, lang: Lang): string {
  return formatNode('root' in tree ? tree.root : tree, doc, lang, false);
}

/** A node of a condition tree (as the pack plan builds it) in words. */
function formatNode(node: PlanNode, doc: RulePackDocument, lang: Lang, nested: boolean): string {
  if (node.kind === 'leaf') return formatLeaf(node.condition, doc, lang);
  if (node.kind === 'not') return `${lang === 'zh' ? '非' : 'not'} (${formatNode(node.child, doc, lang, false)})`;
  const children = node.children;
  if (children.length === 0) return node.kind === 'all' ? (lang === 'zh' ? '总是' : 'always') : lang === 'zh' ? '从不' : 'never';
  const join = node.kind === 'all' ? (lang === 'zh' ? ' 且 ' : ' and ') : lang === 'zh' ? ' 或 ' : ' or ';
  const text = children.map((c) => formatNode(c, doc, lang, children.length > 1)).join(join);
  if (children.length === 1) return text;
  return nested ? `(${text})` : text;
}

/** An outcome's parameters in words: `class: major, level: 2`. */
export function formatParams(params: Record<string, unknown> | undefined, doc: RulePackDocument, lang: Lang): string {
  const entries = Object.entries(params ?? {});
  if (entries.length === 0) return '—';
  return entries.map(([k, v]) => `${k}: ${formatOperandDeep(v, doc, lang)}`).join(', ');
}

function formatOperandDeep(value: unknown, doc: RulePackDocument, lang: Lang): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && ['param', 'fact', 'context'].includes(keys[0]!)) return `{${formatOperand(value, doc, lang)}}`;
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => formatOperandDeep(v, doc, lang)).join(', ')}]`;
  return formatValue(value, lang);
}

/** Escapes a table cell: pipes and line breaks. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

const LABELS = {
  en: {
    sources: 'Sources',
    parameters: 'Parameters',
    facts: 'Facts',
    derived: 'Derived facts',
    requires: 'Required packs',
    rules: 'Decision table',
    default: 'Default outcome',
    notPublished: 'not published by the manual',
    name: 'name',
    value: 'value',
    unit: 'unit',
    description: 'description',
    source: 'source',
    type: 'type',
    default_: 'default',
    calculator: 'calculator',
    args: 'arguments',
    priority: 'priority',
    rule: 'rule',
    when: 'when',
    outcome: 'outcome',
    id: 'id',
    document: 'document',
    clause: 'clause',
    kind: 'kind',
    notes: 'Fidelity notes',
    headingOnly: '(a heading: nothing under it in the source)',
    reading: 'read as',
    pack: 'pack',
    as: 'as fact',
    factsFrom: 'facts from',
    meta: (d: RulePackDocument) =>
      `Pack \`${d.id}\` version ${d.version}, effective from ${d.effective.from}${d.effective.to ? ` to ${d.effective.to}` : ''}, time zone ${d.timeZone ?? 'Asia/Shanghai'}, hit policy \`${d.hitPolicy}\` — ${hitPolicyName(d.hitPolicy, 'en')}.`,
    hit: {
      first: 'The fired rule with the highest priority decides (ties: the first in the table).',
      collect: 'Every fired rule contributes, in priority order, merged onto the default outcome.',
      unique: 'At most one rule may fire; two firing is an error (RULE_CONFLICT).',
    },
    none: 'none',
    whole: 'the whole facts',
    generated: '<!-- generated by `aftersales docs`: do not edit by hand -->',
  },
  zh: {
    sources: '依据',
    parameters: '参数',
    facts: '输入事实',
    derived: '派生事实',
    requires: '依赖的规则包',
    rules: '决策表',
    default: '默认结果',
    notPublished: '手册未公布',
    name: '名称',
    value: '取值',
    unit: '单位',
    description: '说明',
    source: '来源',
    type: '类型',
    default_: '默认值',
    calculator: '计算器',
    args: '参数',
    priority: '优先级',
    rule: '规则',
    when: '条件',
    outcome: '结果',
    id: '编号',
    document: '文件',
    clause: '条款',
    kind: '类别',
    notes: '忠实性说明',
    headingOnly: '（仅为标题，原文其下无内容）',
    reading: '读作',
    pack: '规则包',
    as: '作为事实',
    factsFrom: '事实来自',
    meta: (d: RulePackDocument) =>
      `规则包 \`${d.id}\` 版本 ${d.version}，自 ${d.effective.from} 起生效${d.effective.to ? `，至 ${d.effective.to}` : ''}，时区 ${d.timeZone ?? 'Asia/Shanghai'}，命中策略 \`${d.hitPolicy}\`：${hitPolicyName(d.hitPolicy, 'zh')}。`,
    hit: {
      first: '触发的规则中优先级最高者决定结果（同优先级按表中顺序）。',
      collect: '所有触发的规则按优先级依次合并到默认结果上。',
      unique: '至多一条规则可以触发；两条同时触发视为错误（RULE_CONFLICT）。',
    },
    none: '无',
    whole: '全部事实',
    generated: '<!-- 由 `aftersales docs` 生成：请勿手工编辑 -->',
  },
} as const;

/** The text of a JSON Schema `description` that may be a string or `{zh, en}`. */
function schemaText(description: unknown, lang: Lang): string {
  if (typeof description === 'string') {
    // Packs write bilingual schema descriptions as "中文 / English".
    const match = /^(.*[\u3400-\u9fff].*?)\s*\/\s+(.+)$/.exec(description);
    if (match) return (lang === 'zh' ? match[1]! : match[2]!).trim();
    return description;
  }
  if (description && typeof description === 'object') {
    const localized = description as Partial<Record<Lang, unknown>>;
    const text = localized[lang] ?? localized.en ?? localized.zh;
    if (typeof text === 'string') return text;
  }
  return '';
}

function schemaType(schema: Record<string, unknown>, lang: Lang = 'en'): string {
  if (Array.isArray(schema.enum)) {
    const labels = (schema['x-labels'] as Record<string, Record<string, unknown> | undefined> | undefined)?.[lang];
    return schema.enum.map((v) => (typeof labels?.[String(v)] === 'string' ? `${JSON.stringify(v)} (${labels[String(v)] as string})` : JSON.stringify(v))).join(' | ');
  }
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = schema.type;
  let text = Array.isArray(type) ? type.join(' | ') : typeof type === 'string' ? type : 'any';
  if (typeof schema.format === 'string') text += ` (${schema.format})`;
  if (type === 'array' && schema.items && typeof schema.items === 'object') {
    const items = schema.items as Record<string, unknown>;
    text += ` of ${schemaType(items)}`;
  }
  const bounds: string[] = [];
  if (typeof schema.minimum === 'number') bounds.push(`≥ ${formatNumber(schema.minimum)}`);
  if (typeof schema.maximum === 'number') bounds.push(`≤ ${formatNumber(schema.maximum)}`);
  if (bounds.length) text += ` ${bounds.join(', ')}`;
  return text;
}

/**
 * Renders a pack's documentation as Markdown: title, description, meta line, sources, fidelity notes (when the
 * pack has `notes`), parameters (with "not
 * published by the manual" where the figure is ours), facts, derived facts, required packs, the decision table
 * (priority order, as the engine evaluates a `first` pack) and the default outcome. Deterministic.
 *
 * @param pack - the loaded pack
 * @param lang - `'en'` (default) or `'zh'`
 * @returns Markdown text ending with a newline
 * @example
 * ```ts
 * const markdown = renderPackDocs(pack, 'zh');
 * ```
 */
export function renderPackDocs(pack: Pack, lang: Lang = 'en'): string {
  const doc = pack.document;
  const L = LABELS[lang];
  const out: string[] = [];
  out.push(L.generated, '', `# ${doc.title[lang]}`, '', doc.description[lang], '', L.meta(doc), L.hit[doc.hitPolicy], '');

  out.push(`## ${L.sources}`, '');
  out.push(
    table(
      [L.id, L.document, L.clause, L.kind],
      doc.sources.map((s) => [s.id, s.document, s.clause + (s.quote ? ` — “${s.quote}”${s.headingOnly ? ` ${L.headingOnly}` : ''}${s.reading ? ` (${L.reading} “${s.reading}”)` : ''}` : ''), s.kind ? sourceKindName(s.kind, lang) : '']),
    ),
    '',
  );

  if ((doc.notes ?? []).length > 0) {
    out.push(`## ${L.notes}`, '', ...(doc.notes ?? []).map((note) => `- ${note[lang]}`), '');
  }

  const parameters = Object.entries(doc.parameters ?? {});
  out.push(`## ${L.parameters}`, '');
  if (parameters.length === 0) out.push(L.none, '');
  else {
    out.push(
      table(
        [L.name, L.value, L.unit, L.description, L.source],
        parameters.map(([name, p]) => [
          `\`${name}\``,
          formatValue(p.value, lang),
          p.unit ?? '',
          p.description[lang],
          p.notPublished ? `**${L.notPublished}**` : (p.source ?? ''),
        ]),
      ),
      '',
    );
  }

  const properties = Object.entries(((doc.facts as { properties?: Record<string, Record<string, unknown>> }).properties ?? {}));
  const required = new Set(((doc.facts as { required?: string[] }).required ?? []));
  out.push(`## ${L.facts}`, '');
  if (properties.length === 0) out.push(L.none, '');
  else {
    out.push(
      table(
        [L.name, L.type, L.default_, L.description],
        properties.map(([name, schema]) => [
          `\`${name}\`${required.has(name) ? ' *' : ''}`,
          schemaType(schema, lang),
          'default' in schema ? JSON.stringify(schema.default) : '',
          schemaText(schema.description, lang),
        ]),
      ),
      '',
    );
    if (required.size > 0) out.push(lang === 'zh' ? '\\* 必填。' : '\\* required.', '');
  }

  if ((doc.derived ?? []).length > 0) {
    out.push(`## ${L.derived}`, '');
    out.push(
      table(
        [L.name, L.calculator, L.args, L.description],
        (doc.derived ?? []).map((d) => [
          `\`${d.name}\``,
          `\`${d.calculator}\``,
          Object.entries(d.args)
            .map(([k, v]) => `${k}: ${formatOperandDeep(v, doc, lang)}`)
            .join(', '),
          d.description?.[lang] ?? '',
        ]),
      ),
      '',
    );
  }

  if ((doc.requires ?? []).length > 0) {
    out.push(`## ${L.requires}`, '');
    out.push(
      table(
        [L.pack, L.as, L.factsFrom],
        (doc.requires ?? []).map((r) => [`\`${r.pack}\``, `\`${r.as}\``, r.factsFrom ? `\`${r.factsFrom}\`` : L.whole]),
      ),
      '',
    );
  }

  out.push(`## ${L.rules}`, '');
  const ordered = [...pack.plan.rules].sort((a, b) => b.priority - a.priority || a.index - b.index);
  out.push(
    table(
      [L.priority, L.rule, L.when, L.outcome, L.source],
      ordered.map((rule) => [
        String(rule.priority),
        `\`${rule.name}\``,
        formatNode(rule.conditions.root, doc, lang, false),
        formatParams(rule.definition.event.params, doc, lang),
        rule.source,
      ]),
    ),
    '',
  );

  out.push(`## ${L.default}`, '', formatParams(doc.default, doc, lang));
  if (doc.defaultMessage) out.push('', doc.defaultMessage[lang]);
  out.push('');
  return out.join('\n');
}
