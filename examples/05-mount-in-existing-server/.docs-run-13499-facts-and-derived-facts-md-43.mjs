import assert from 'node:assert/strict';
import { loadBundledPacks } from '@aftersales/rules';

const severity = loadBundledPacks().get('quality-severity');
const seen = severity.validateFacts({ claimAmountYuan: 60000 });
assert.equal(seen.claimAmountYuan, 60000);
assert.equal(seen.casualties, 0);
assert.equal(seen.mediaExposure, 'none');
assert.equal(seen.vehicleValueYuan, undefined); // no default: an optional fact stays absent