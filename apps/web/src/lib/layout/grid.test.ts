import { describe, expect, it } from 'vitest';
import { bestGrid, callGrid, tilesPerPage } from './grid.js';

describe('bestGrid', () => {
  it('uses one big tile for one person', () => {
    expect(bestGrid(1, 1600, 900, 16 / 9, 0)).toEqual({ columns: 1, rows: 1, tileWidth: 1600, tileHeight: 900 });
  });

  it('puts two people side by side on a wide screen and stacked on a tall one', () => {
    expect(bestGrid(2, 1600, 600).columns).toBe(2);
    expect(bestGrid(2, 400, 900).columns).toBe(1);
  });

  it('fits every tile inside the area', () => {
    for (let count = 1; count <= 9; count++) {
      for (const [w, h] of [[1280, 720], [390, 844], [1920, 1080], [800, 300]] as const) {
        const layout = bestGrid(count, w, h);
        expect(layout.columns * layout.rows).toBeGreaterThanOrEqual(count);
        expect(layout.columns * layout.tileWidth + 8 * (layout.columns - 1)).toBeLessThanOrEqual(w);
        expect(layout.rows * layout.tileHeight + 8 * (layout.rows - 1)).toBeLessThanOrEqual(h);
      }
    }
  });

  it('chooses a 3x3 grid for nine people on a 16:9 screen', () => {
    expect(bestGrid(9, 1920, 1080)).toMatchObject({ columns: 3, rows: 3 });
  });
});

describe('callGrid', () => {
  it('on an upright phone: one column for two people, two columns from three, tiles filling the screen', () => {
    expect(callGrid(2, 374, 700)).toMatchObject({ columns: 1, rows: 2, fill: true });
    expect(callGrid(3, 374, 700)).toMatchObject({ columns: 2, rows: 2, fill: true });
    expect(callGrid(5, 374, 700)).toMatchObject({ columns: 2, rows: 3, fill: true });
    const four = callGrid(4, 374, 700);
    expect(2 * four.tileWidth + 8).toBeLessThanOrEqual(374);
    expect(2 * four.tileHeight + 8).toBeLessThanOrEqual(700);
    expect(four.tileHeight).toBeGreaterThan(300);
  });

  it('elsewhere the 16:9 grid: two people side by side on a 1280x800 window', () => {
    expect(callGrid(2, 1264, 700)).toMatchObject({ columns: 2, rows: 1, fill: false });
    expect(callGrid(3, 900, 500).fill).toBe(false);
  });
});

describe('tilesPerPage', () => {
  it('keeps everyone on one page while tiles stay at least 160 px wide', () => {
    expect(tilesPerPage(8, 1264, 640, false)).toBe(8);
    expect(tilesPerPage(8, 374, 700, true)).toBe(8);
  });

  it('pages when tiles would get narrower than 160 px, and each page still fits', () => {
    const perPage = tilesPerPage(8, 420, 240, false);
    expect(perPage).toBeLessThan(8);
    expect(bestGrid(perPage, 420, 240).tileWidth).toBeGreaterThanOrEqual(160);
    expect(bestGrid(perPage + 1, 420, 240).tileWidth).toBeLessThan(160);
    expect(tilesPerPage(3, 100, 100, false)).toBe(1);
  });
});
