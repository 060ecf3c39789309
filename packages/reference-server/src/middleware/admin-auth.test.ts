/** Tests of the admin token comparison. */
import { describe, expect, it } from 'vitest';
import { tokensEqual } from './admin-auth.js';

describe('tokensEqual', () => {
  it('accepts the same token and refuses others, whatever their length', () => {
    expect(tokensEqual('s3cret', 's3cret')).toBe(true);
    expect(tokensEqual('s3creT', 's3cret')).toBe(false);
    expect(tokensEqual('s3cret-and-more', 's3cret')).toBe(false);
    expect(tokensEqual('', 's3cret')).toBe(false);
  });
});
