/**
 * PNG → 32×32 RGB bytes for the CIFAR Parquet reader (parquetCifar.ts), in plain JavaScript
 * (fast-png: zlib inflate and PNG filters, no DOM), so the same code decodes in Node and, where
 * the browser's own decoder is missing, in the worker. The Hugging Face CIFAR files hold 8-bit
 * RGB PNGs; grey, grey+alpha, RGBA and palette images are converted too (alpha dropped: the
 * images are opaque), 16-bit ones refused.
 */
import { decode } from 'fast-png';

/** Pixels of one decoded image: `rgb.length === width * height * 3`. */
export interface DecodedImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Decodes one PNG (sync or async: the worker's bitmap decoder is async). */
export type PngDecoder = (png: Uint8Array) => DecodedImage | Promise<DecodedImage>;

/**
 * Decodes a PNG with fast-png.
 * @throws Error saying what is wrong (not a PNG, damaged, 16-bit); the caller names the file and row
 */
export function decodePngRgb(png: Uint8Array): DecodedImage {
  const image = decode(png);
  const { width, height, channels, depth, palette } = image;
  if (depth !== 8) throw new Error(`a ${depth}-bit PNG (only 8-bit images are read)`);
  const data = image.data as Uint8Array;
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  if (palette) {
    for (let i = 0; i < n; i++) {
      const entry = palette[data[i]];
      if (!entry) throw new Error(`a palette index ${data[i]} beyond the ${palette.length}-colour palette`);
      rgb[3 * i] = entry[0];
      rgb[3 * i + 1] = entry[1];
      rgb[3 * i + 2] = entry[2];
    }
    return { width, height, rgb };
  }
  for (let i = 0; i < n; i++) {
    if (channels >= 3) {
      rgb[3 * i] = data[channels * i];
      rgb[3 * i + 1] = data[channels * i + 1];
      rgb[3 * i + 2] = data[channels * i + 2];
    } else {
      const grey = data[channels * i];
      rgb[3 * i] = grey;
      rgb[3 * i + 1] = grey;
      rgb[3 * i + 2] = grey;
    }
  }
  return { width, height, rgb };
}
