import { fail, ok, type Result } from '@erp/shared/errors';
import { describe, expect, it } from 'vitest';
import { type PageWindow, usePagedList } from './paged-list.ts';

const ROWS = Array.from({ length: 120 }, (_, i) => i + 1);

function serve(page: PageWindow): Promise<Result<{ items: number[]; total: number }>> {
  return Promise.resolve(
    ok({ items: ROWS.slice(page.offset, page.offset + page.limit), total: ROWS.length }),
  );
}

describe('usePagedList', () => {
  it('moves through the pages the server answers', async () => {
    const list = usePagedList(serve, 50);
    await list.reload();
    expect(list.items.value[0]).toBe(1);
    expect(list.hasPrevious.value).toBe(false);
    expect(list.hasNext.value).toBe(true);
    await list.next();
    await list.next();
    expect(list.items.value).toEqual(ROWS.slice(100));
    expect(list.hasNext.value).toBe(false);
    await list.previous();
    expect(list.offset.value).toBe(50);
  });

  it('drops an older answer that arrives after a newer one', async () => {
    const releases: (() => void)[] = [];
    let call = 0;
    const list = usePagedList<number>((page) => {
      const mine = ++call;
      return new Promise((resolve) => {
        releases.push(() => resolve(ok({ items: [mine * 1000 + page.offset], total: 1 })));
      });
    });
    const first = list.reload();
    const second = list.reload();
    releases[1]!();
    await second;
    releases[0]!();
    await first;
    expect(list.items.value).toEqual([2000]);
  });

  it('keeps the rows and shows the error when a page fails', async () => {
    let broken = false;
    const list = usePagedList<number>((page) => (broken ? Promise.resolve(fail('OFFLINE')) : serve(page)));
    await list.reload();
    broken = true;
    await list.next();
    expect(list.error.value?.code).toBe('OFFLINE');
    expect(list.offset.value).toBe(0);
    expect(list.items.value).toHaveLength(50);
  });
});
