/**
 * The worker's PNG decoder for the Parquet CIFAR files: the browser's own image decoder
 * (createImageBitmap on a Blob, drawn on a 32×32 OffscreenCanvas and read back), off the main
 * thread. Colour-space conversion and alpha premultiplication are turned off so the bytes are
 * the file's own (the images are opaque sRGB; a canvas round trip of opaque pixels is exact).
 * Where either API is missing, fast-png decodes instead (engine/data/pngDecode.ts).
 */
/// <reference lib="webworker" />
import { decodePngRgb, type DecodedImage, type PngDecoder } from '../engine/data/pngDecode';

/** The decoder to use in this worker. */
export function createPngDecoder(): PngDecoder {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') return decodePngRgb;
  let canvas: OffscreenCanvas | null = null;
  let context: OffscreenCanvasRenderingContext2D | null = null;
  return async (png: Uint8Array): Promise<DecodedImage> => {
    const bitmap = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    try {
      const { width, height } = bitmap;
      if (!canvas || canvas.width !== width || canvas.height !== height) {
        canvas = new OffscreenCanvas(width, height);
        context = canvas.getContext('2d', { willReadFrequently: true });
      }
      if (!context) return decodePngRgb(png);
      context.clearRect(0, 0, width, height);
      context.drawImage(bitmap, 0, 0);
      const rgba = context.getImageData(0, 0, width, height).data;
      const rgb = new Uint8Array(width * height * 3);
      for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
        rgb[j] = rgba[i];
        rgb[j + 1] = rgba[i + 1];
        rgb[j + 2] = rgba[i + 2];
      }
      return { width, height, rgb };
    } finally {
      bitmap.close();
    }
  };
}
