/**
 * Every pack counts working days on the server's calendar, uploaded packs as bundled ones: an uploaded version
 * whose suite expects China's calendar (the 2026 Spring Festival, its make-up Saturdays) passes its suite in the
 * admin thread and decides the same on the decision route; the decision's log entry names the calendar (id and
 * version) it counted on, a decision that counts no working days names none, and the chain verifies with both. A
 * host's calendar (`config.calendar`, China's plus the next year) is the one counted and named.
 */
import { describe, expect, it } from 'vitest';
import { mergeCalendars } from '@aftersales/core';
import { chinaWorkingDayCalendar } from '@aftersales/rules';
import { backends, freshStorage } from './backends.js';
import { testApp } from './helpers.js';

const ADMIN = { authorization: 'Bearer s3cret-token' };

const REPLY_DUE = {
  id: 'reply-due',
  version: '1.0.0',
  title: { zh: '答复期限', en: 'Reply due date' },
  description: { zh: '收到后7个工作日内答复', en: 'A reply within 7 working days of receipt' },
  sources: [{ id: 'T', document: 'test', clause: '§1' }],
  effective: { from: '2020-01-01' },
  hitPolicy: 'first',
  facts: { type: 'object', additionalProperties: false, required: ['receivedDate'], properties: { receivedDate: { type: 'string', format: 'date' } } },
  derived: [{ name: 'replyDueDate', calculator: 'add-working-days', args: { from: { fact: 'receivedDate' }, days: 7 } }],
  rules: [
    {
      name: 'reply-due',
      source: 'T §1',
      conditions: { all: [{ fact: 'replyDueDate', operator: 'notEqual', value: null }] },
      event: { type: 'due', params: { replyDueDate: { fact: 'replyDueDate' } } },
    },
  ],
  default: { replyDueDate: null },
  outcome: { type: 'object', additionalProperties: false, required: ['replyDueDate'], properties: { replyDueDate: { type: ['string', 'null'] } } },
};
const SUITE = {
  pack: 'reply-due',
  asOf: '2026-02-13T10:00:00+08:00',
  // Mon–Fri would give 2026-02-24: the 14th and 28th are worked Saturdays, the 15th–23rd days off.
  cases: [{ name: 'Spring Festival 2026', facts: { receivedDate: '2026-02-13' }, expect: { outcome: { replyDueDate: '2026-03-02' } } }],
};

for (const b of backends) {
  describe.skipIf(!b.enabled)(`working days of uploaded packs on ${b.name}`, () => {
    const fresh = freshStorage(b.make);

    it('an upload passes a suite on China’s calendar; its decisions count it and their entries name it', { timeout: 60_000 }, async () => {
      const { call } = await testApp(fresh.storage(), { config: { adminToken: 's3cret-token' } });
      const put = await call('PUT', '/v1/packs/reply-due/versions/1.0.0', { pack: REPLY_DUE, suite: SUITE }, ADMIN);
      expect(put.status, put.text.slice(0, 400)).toBe(201);
      expect(put.json).toMatchObject({ suite: { passed: 1, failed: 0 } });
      const activated = await call('POST', '/v1/packs/reply-due/versions/1.0.0/activate', { force: true, reason: 'first version' }, ADMIN);
      expect(activated.status, activated.text.slice(0, 400)).toBe(200);

      const decided = await call('POST', '/v1/packs/reply-due/decisions', { facts: { receivedDate: '2025-09-30' }, asOf: '2025-09-30T10:00:00+08:00' });
      expect(decided.status).toBe(201);
      // National Day 2025: 1–8 October off, Saturday 11 October worked.
      expect(decided.json.outcome).toEqual({ replyDueDate: '2025-10-16' });
      const record = await call('GET', `/v1/decisions/${decided.json.decisionId}`);
      expect(record.json.entry.calendar).toEqual({ id: chinaWorkingDayCalendar.id, version: chinaWorkingDayCalendar.version });

      const other = await call('POST', '/v1/packs/mini-warranty/decisions', { facts: { vin: 'V1', mileageKm: 5 } });
      expect(other.status).toBe(201);
      const otherRecord = await call('GET', `/v1/decisions/${other.json.decisionId}`);
      expect(otherRecord.json.entry).not.toHaveProperty('calendar');

      const replay = await call('POST', `/v1/decisions/${decided.json.decisionId}/replay`);
      expect(replay.json).toMatchObject({ identical: true });
      const verify = await call('GET', '/v1/audit/verify');
      expect(verify.json).toMatchObject({ ok: true });
    });

    it('a host’s calendar (China’s plus the next year) is counted and named in the entry', { timeout: 60_000 }, async () => {
      const year = chinaWorkingDayCalendar.lastYear + 1;
      const calendar = mergeCalendars(chinaWorkingDayCalendar, {
        id: chinaWorkingDayCalendar.id, version: `${chinaWorkingDayCalendar.version}+${year}`, firstYear: year, lastYear: year,
        holidays: [`${year}-03-01`, `${year}-03-02`, `${year}-03-03`, `${year}-03-04`, `${year}-03-05`], workdays: [],
      });
      const { call } = await testApp(fresh.storage(), { config: { adminToken: 's3cret-token', calendar } });
      expect((await call('PUT', '/v1/packs/reply-due/versions/1.0.0', { pack: REPLY_DUE, suite: SUITE }, ADMIN)).status).toBe(201);
      expect((await call('POST', '/v1/packs/reply-due/versions/1.0.0/activate', { force: true, reason: 'first version' }, ADMIN)).status).toBe(200);
      const from = `${year}-02-26`;
      const decided = await call('POST', '/v1/packs/reply-due/decisions', { facts: { receivedDate: from }, asOf: `${from}T10:00:00+08:00` });
      // Seven weekdays after the 26th, none in the host's week off (1–5 March).
      const expected: string[] = [];
      for (let d = new Date(`${from}T00:00:00Z`); expected.length < 7; ) {
        d = new Date(d.getTime() + 86_400_000);
        const iso = d.toISOString().slice(0, 10);
        if (d.getUTCDay() % 6 !== 0 && !calendar.holidays.includes(iso)) expected.push(iso);
      }
      expect(decided.json.outcome).toEqual({ replyDueDate: expected[6] });
      const record = await call('GET', `/v1/decisions/${decided.json.decisionId}`);
      expect(record.json.entry.calendar).toEqual({ id: chinaWorkingDayCalendar.id, version: `${chinaWorkingDayCalendar.version}+${year}` });
    });
  });
}
