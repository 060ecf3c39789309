/**
 * Tests of decisions in words: fired rules with the values seen, failed conditions, and the threshold at which the
 * outcome would change, in English and Chinese.
 */
import { describe, expect, it } from 'vitest';
import { loadPack } from './pack.js';
import { describeDecision } from './describe.js';
import { severityDoc } from './testing.fixture.js';

const asOf = '2026-01-15T10:00:00+08:00';

describe('describeDecision', () => {
  const pack = loadPack(severityDoc);

  it('says which rule fired, which failed with the value seen, and the claim at which it would be level 2', async () => {
    const decision = await pack.evaluate({ claimAmountYuan: 30000 }, { asOf });
    const text = describeDecision(pack, decision, 'en');
    expect(text).toContain('Outcome: class: major, level: 3');
    expect(text).toMatch(/- level-3 \[HC §4: [^\]]+\] because claimAmountYuan ≥ 10,000 \(seen 30,000\)/);
    expect(text).toContain('- level-2-claim — failed: claimAmountYuan ≥ level2ClaimYuan (50,000 yuan) (seen 30,000)');
    expect(text).toContain('would be class: major, level: 2 (rule level-2-claim) at claimAmountYuan ≥ 50,000 yuan (now 30,000)');
    expect(text).toContain('rule level-3 would no longer apply at claimAmountYuan < 10,000 (now 30,000)');
  });

  it('does not claim a threshold decides when another condition already holds', async () => {
    // A breakdown makes level 3 regardless of the amount: lowering the claim would not change it.
    const decision = await pack.evaluate({ claimAmountYuan: 30000, breakdown: true }, { asOf });
    const text = describeDecision(pack, decision, 'en');
    expect(text).not.toContain('would no longer apply');
    expect(text).toContain('would be class: major, level: 2');
  });

  it('describes the default outcome and speaks Chinese', async () => {
    const decision = await pack.evaluate({ claimAmountYuan: 500 }, { asOf });
    const text = describeDecision(pack, decision, 'zh');
    expect(text).toContain('没有规则触发');
    expect(text).toContain('若 claimAmountYuan ≥ 10,000（当前 500），结果将为 class: major, level: 3（规则 level-3）');
    // level 2 has the higher priority, so at 50,000 it would win too.
    expect(text).toContain('结果将为 class: major, level: 2（规则 level-2-claim）');
  });

  it('reports a threshold that does not change the winner of a first pack as not changing it', async () => {
    const decision = await pack.evaluate({ claimAmountYuan: 60000 }, { asOf });
    const text = describeDecision(pack, decision, 'en');
    // level-3 also fired but level-2-claim wins: losing level-3's threshold changes nothing.
    expect(text).not.toContain('rule level-3 would no longer apply');
    expect(text).toContain('rule level-2-claim would no longer apply at claimAmountYuan < 50,000 yuan');
  });
});
