/**
 * Hand-written functions of bundled policies: the floor of the benchmark, what a developer would write in
 * plain JavaScript for the same policy with no rule engine — defaults applied inline, no schema validation, no
 * explanation, no audit fields. Each is checked against its pack's own suite before it is timed, so the floor is
 * the same policy and not a faster wrong one.
 */

/**
 * quality-severity (HC §4): major level 1 / 2 / 3 (the most severe level winning), else important quality
 * information when it touches safety, reputation or a large batch, else general.
 *
 * @param facts - the pack's facts (absent fields take the pack's defaults)
 * @param params - `level2ClaimYuan` and `level3ClaimYuan`
 * @returns `{ class, level }`
 * @example
 * ```js
 * qualitySeverity({ claimAmountYuan: 50000 }) // { class: 'major', level: 2 }
 * ```
 */
export function qualitySeverity(facts, params = { level2ClaimYuan: 50000, level3ClaimYuan: 10000 }) {
  const casualties = facts.casualties ?? 0;
  const media = facts.mediaExposure ?? 'none';
  const companyLoss = facts.companyLossYuan ?? 0;
  const vehicleValue = facts.vehicleValueYuan;
  const frequency = facts.complaintFrequency ?? 'low';
  const sales = facts.salesImpact ?? 'none';
  const claim = facts.claimAmountYuan ?? 0;
  if (
    (facts.majorAccident === true && casualties >= 1) ||
    ((media === 'imminent' || media === 'published') && facts.majorReputationDamage === true) ||
    (facts.manufacturingFault === true && facts.customerLoss === true && facts.customerComplaint === true) ||
    (vehicleValue !== undefined && companyLoss > vehicleValue)
  ) {
    return { class: 'major', level: 1 };
  }
  if (
    (facts.majorAccident === true && casualties === 0) ||
    (frequency === 'very-high' && facts.functionalDefect === true) ||
    sales === 'direct' ||
    claim >= params.level2ClaimYuan
  ) {
    return { class: 'major', level: 2 };
  }
  if (frequency === 'high' || frequency === 'very-high' || sales === 'possible' || facts.breakdown === true || claim >= params.level3ClaimYuan) {
    return { class: 'major', level: 3 };
  }
  if (facts.affectsPerformanceAndSafety === true || facts.involvesReputation === true || facts.largeBatchSeriousLoss === true) {
    return { class: 'important', level: null };
  }
  return { class: 'general', level: null };
}

/**
 * The hand-written functions by pack id; each takes `(facts, parameterValues)` and returns the outcome.
 */
export const HAND_WRITTEN = {
  'quality-severity': qualitySeverity,
};
