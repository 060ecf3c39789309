/** @jsxImportSource hono/jsx */
/**
 * Rules in pages: a pack of 100,000 rules made a console page of 21 MB that took seconds to render on the event
 * loop, so every page that lists a pack's rules (the pack page's decision table, the rule-level diff) shows them
 * {@link RULES_PAGE_SIZE} at a time, with links to the previous and next page (`?page=N`, from 1). A link to one
 * rule (a fired rule in a decision) names the page it is on ({@link rulePageOf}).
 */
import type { FC } from 'hono/jsx';
import { WORDS, type Lang } from './i18n.js';

/** Rules a page shows. */
export const RULES_PAGE_SIZE = 200;

/** One page of a list of `total` rules: its number (from 1), the page count and the slice it shows. */
export interface RulePage {
  page: number;
  pages: number;
  /** Index of the first rule shown. */
  start: number;
  /** Index after the last rule shown. */
  end: number;
  total: number;
}

/**
 * The page a `?page=` query asks for, clamped to the pages there are (a missing or unreadable number is page 1,
 * a number past the end the last page).
 *
 * @param query - the `page` query parameter
 * @param total - how many rules the list holds
 * @example
 * ```ts
 * rulePage('2', 450) // { page: 2, pages: 3, start: 200, end: 400, total: 450 }
 * ```
 */
export function rulePage(query: string | undefined, total: number): RulePage {
  const pages = Math.max(1, Math.ceil(total / RULES_PAGE_SIZE));
  const asked = query !== undefined && /^[1-9]\d{0,8}$/.test(query) ? Number(query) : 1;
  const page = Math.min(asked, pages);
  const start = (page - 1) * RULES_PAGE_SIZE;
  return { page, pages, start, end: Math.min(total, start + RULES_PAGE_SIZE), total };
}

/**
 * The page the rule at an index is on.
 *
 * @example
 * ```ts
 * rulePageOf(200) // 2
 * ```
 */
export function rulePageOf(index: number): number {
  return Math.floor(Math.max(0, index) / RULES_PAGE_SIZE) + 1;
}

/**
 * Where a list stands and the links to its neighbours; nothing when the list fits on one page.
 *
 * @example
 * ```tsx
 * <RulePager lang="en" at={rulePage(c.req.query('page'), rules.length)} href={(p) => `console/packs/x?page=${p}#rules`} />
 * ```
 */
export const RulePager: FC<{ lang: Lang; at: RulePage; href: (page: number) => string }> = ({ lang, at, href }) => {
  if (at.pages <= 1) return null;
  const w = WORDS[lang];
  return (
    <nav class="pager" aria-label={w.rulesShown(at.start + 1, at.end, at.total)}>
      <p>
        {w.rulesShown(at.start + 1, at.end, at.total)}
        {at.page > 1 ? (
          <>
            {' · '}
            <a rel="prev" href={href(at.page - 1)}>
              {w.previous}
            </a>
          </>
        ) : null}
        {at.page < at.pages ? (
          <>
            {' · '}
            <a rel="next" href={href(at.page + 1)}>
              {w.next}
            </a>
          </>
        ) : null}
      </p>
    </nav>
  );
};
