/**
 * A small pack shared by the tests of the suite runner, lint, docs and descriptions: claim severity graded by
 * amount (level 2 at >= 50,000 yuan, a parameter; level 3 at >= 10,000 yuan or on a breakdown).
 */
import type { RulePackDocument } from './types.js';

/** A small claim-severity pack: level 2 at >= 50,000 yuan (a parameter), level 3 at >= 10,000 or a breakdown. */
export const severityDoc: RulePackDocument = {
  id: 'claim-severity',
  version: '1.0.0',
  title: { zh: '索赔分级', en: 'Claim severity' },
  description: { zh: '按索赔金额分级。', en: 'Grades a claim by its amount.' },
  sources: [{ id: 'HC', document: '售后服务管理手册', clause: '§4', kind: 'manual' }],
  effective: { from: '2022-01-01' },
  hitPolicy: 'first',
  parameters: {
    level2ClaimYuan: {
      type: 'number',
      value: 50000,
      unit: 'yuan',
      description: { zh: '二级索赔金额', en: 'Level 2 claim amount' },
      source: 'HC §4',
    },
    reviewDays: { type: 'integer', value: 5, description: { zh: '复核天数', en: 'Review days' }, notPublished: true },
  },
  facts: {
    type: 'object',
    properties: {
      claimAmountYuan: { type: 'number', minimum: 0, default: 0, description: '索赔金额（元）/ the claim in yuan' },
      breakdown: { type: 'boolean', default: false },
    },
    additionalProperties: false,
  },
  rules: [
    {
      name: 'level-2-claim',
      source: 'HC §4: 索赔金额在5万元以上',
      priority: 2,
      conditions: { all: [{ fact: 'claimAmountYuan', operator: 'greaterThanInclusive', value: { param: 'level2ClaimYuan' } }] },
      event: { type: 'major', params: { class: 'major', level: 2 } },
      message: { zh: '二级', en: 'Level 2' },
    },
    {
      name: 'level-3',
      source: 'HC §4: 抛锚或索赔金额在1万元以上',
      priority: 1,
      conditions: {
        any: [
          { fact: 'claimAmountYuan', operator: 'greaterThanInclusive', value: 10000 },
          { fact: 'breakdown', operator: 'equal', value: true },
        ],
      },
      event: { type: 'major', params: { class: 'major', level: 3 } },
    },
  ],
  default: { class: 'general', level: null },
  outcome: { type: 'object', required: ['class', 'level'] },
};
