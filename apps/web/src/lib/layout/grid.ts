export interface GridLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

/**
 * The column count that makes `count` tiles of the given aspect ratio as large as possible
 * inside a `width` x `height` area with `gap` pixels between tiles.
 */
export function bestGrid(count: number, width: number, height: number, aspect = 16 / 9, gap = 8): GridLayout {
  const tiles = Math.max(1, count);
  let best: GridLayout = { columns: 1, rows: tiles, tileWidth: 0, tileHeight: 0 };
  for (let columns = 1; columns <= tiles; columns++) {
    const rows = Math.ceil(tiles / columns);
    const maxWidth = (width - gap * (columns - 1)) / columns;
    const maxHeight = (height - gap * (rows - 1)) / rows;
    const tileWidth = Math.max(0, Math.min(maxWidth, maxHeight * aspect));
    if (tileWidth > best.tileWidth) best = { columns, rows, tileWidth, tileHeight: tileWidth / aspect };
  }
  return { ...best, tileWidth: Math.floor(best.tileWidth), tileHeight: Math.floor(best.tileHeight) };
}

/** Below this width the call is laid out for a phone held upright. */
export const PHONE_MAX_WIDTH = 640;

export interface CallGridLayout extends GridLayout {
  /** Tiles fill their cells (cropped) instead of keeping 16:9: a phone's screen is tall. */
  fill: boolean;
}

/**
 * The layout of the call's grid: on an upright phone, one column for one or two people and two
 * columns from three on, tiles filling the screen (an odd last tile spans both columns, so no cell
 * stays empty); elsewhere the 16:9 grid with the largest tiles.
 */
export function callGrid(count: number, width: number, height: number, gap = 8): CallGridLayout {
  if (width <= PHONE_MAX_WIDTH && height > width) {
    const columns = count >= 3 ? 2 : 1;
    const rows = Math.ceil(Math.max(1, count) / columns);
    return {
      columns,
      rows,
      tileWidth: Math.floor((width - gap * (columns - 1)) / columns),
      tileHeight: Math.floor((height - gap * (rows - 1)) / rows),
      fill: true,
    };
  }
  return { ...bestGrid(count, width, height, 16 / 9, gap), fill: false };
}

/** Tiles narrower than this (CSS pixels) are not worth showing: the grid pages instead. */
export const MIN_TILE_WIDTH = 160;

/**
 * How many tiles one page of the grid holds so that none is narrower than `minTileWidth`: everyone
 * when they fit, else the largest count that does (at least one).
 */
export function tilesPerPage(count: number, width: number, height: number, phone: boolean, minTileWidth = MIN_TILE_WIDTH): number {
  for (let n = Math.max(1, count); n > 1; n--) if (gridFor(n, width, height, phone).tileWidth >= minTileWidth) return n;
  return 1;
}

/** The call's layout on a grid that follows the phone rule (`callGrid`), or always the 16:9 one. */
export function gridFor(count: number, width: number, height: number, phoneLayout: boolean): CallGridLayout {
  return phoneLayout ? callGrid(count, width, height) : { ...bestGrid(count, width, height), fill: false };
}
