/** Tests of the server's error bodies: engine errors and unexpected ones are core's error body, with status. */
import { ERROR_MESSAGES, FactValidationError, RuleConflictError, toErrorBody } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { HttpError, toErrorResponse } from './errors.js';

describe('toErrorResponse', () => {
  it("answers an engine error with core's body: 422 for the caller's fault, 409 for a pack defect", () => {
    const invalid = new FactValidationError([{ path: '/vin', message: 'must be string', code: 'schema.type' }]);
    expect(toErrorResponse(invalid, 'r1')).toEqual({ status: 422, body: { error: toErrorBody(invalid), requestId: 'r1' }, headers: {} });
    expect(toErrorResponse(invalid, 'r1').body.error.message.zh).toBe(ERROR_MESSAGES.INVALID_FACTS.zh);
    expect(toErrorResponse(new RuleConflictError('p', ['a', 'b']), 'r2').status).toBe(409);
  });

  it("answers anything unexpected with 500 INTERNAL and core's message, leaking nothing", () => {
    const { status, body } = toErrorResponse(new TypeError('secret detail at /srv/x.js'), 'r3');
    expect(status).toBe(500);
    expect(body).toEqual({ error: { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL, problems: [] }, requestId: 'r3' });
  });

  it('keeps an HTTP error as thrown', () => {
    const error = new HttpError(404, 'PACK_NOT_FOUND', { zh: '没有该规则包', en: 'no such pack' });
    expect(toErrorResponse(error, 'r4')).toMatchObject({ status: 404, body: { error: { code: 'PACK_NOT_FOUND', message: { en: 'no such pack' } } } });
  });
});
