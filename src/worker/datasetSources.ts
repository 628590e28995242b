/**
 * Turns a dataset request of the protocol into a Dataset, in the worker: the synthetic set, the
 * CIFAR binary files, the Hugging Face Parquet files (decoded here, then kept in the browser
 * when asked), or a set kept earlier. Every failure is a DatasetError naming what is wrong; the
 * caller keeps the previous dataset.
 */
import { loadAnyCifarFromFiles } from '../engine/data/cifar';
import { packDataset, unpackDataset } from '../engine/data/packedDataset';
import { isParquetFileName, loadCifarFromParquet } from '../engine/data/parquetCifar';
import { decodePngRgb, type PngDecoder } from '../engine/data/pngDecode';
import { createSyntheticDataset } from '../engine/data/synthetic';
import { DatasetError, type Dataset } from '../engine/data/types';
import type { ByteCache } from '../data/datasetStore';
import { getDecoded, putDecoded } from '../data/decodedStore';
import { formatBytes } from '../data/format';
import type { DatasetSource } from './protocol';
import { errorMessage } from '../engine/errorMessage';

export interface SourceDeps {
  /** Default: fast-png (Node); the worker passes the browser's decoder. */
  decodePng?: PngDecoder;
  /** Where decoded sets are kept; null or absent: nowhere (Node, or no Cache Storage). */
  cache?: () => Promise<ByteCache | null>;
  /** Progress of a slow step (decoding), for the page. */
  progress?: (message: string, done: number, total: number) => void;
}

export interface LoadedSource {
  dataset: Dataset;
  /** For the user: where it came from or was kept; absent when there is nothing to say. */
  note?: string;
}

const messageOf = (err: unknown) => errorMessage(err);
const bytesOf = (files: { name: string; bytes: ArrayBuffer }[]) => files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));

/** @throws DatasetError naming the file and the problem */
export async function readDatasetSource(source: DatasetSource, deps: SourceDeps = {}): Promise<LoadedSource> {
  const parquet = (files: { name: string; bytes: ArrayBuffer }[]) =>
    loadCifarFromParquet(bytesOf(files), {
      decodePng: deps.decodePng ?? decodePngRgb,
      onProgress: (p) => deps.progress?.(`Decoding the images of ${p.file}`, p.done, p.total),
    });
  switch (source.kind) {
    case 'synthetic':
      return { dataset: createSyntheticDataset({ seed: source.seed, trainCount: source.trainCount, testCount: source.testCount }) };
    case 'cifar-files':
      if (source.files.length > 0 && source.files.every((f) => isParquetFileName(f.name))) return { dataset: await parquet(source.files) };
      return { dataset: loadAnyCifarFromFiles(bytesOf(source.files)) };
    case 'parquet': {
      const dataset = await parquet(source.files);
      if (!source.storeAs) return { dataset };
      const cache = await deps.cache?.();
      if (!cache) return { dataset, note: 'This browser offers no storage here, so the next visit downloads it again.' };
      try {
        const bytes = await putDecoded(cache, source.storeAs.key, source.storeAs.name, packDataset(dataset));
        return { dataset, note: `Kept in this browser (${formatBytes(bytes)}): the next visit loads it without the network.` };
      } catch (err) {
        return { dataset, note: `It could not be kept in this browser (${messageOf(err)}), so the next visit downloads it again.` };
      }
    }
    case 'stored': {
      const cache = await deps.cache?.();
      const bytes = cache ? await getDecoded(cache, source.key) : null;
      if (!cache || !bytes) throw new DatasetError(`${source.name} is no longer stored in this browser; download it again.`);
      try {
        return { dataset: unpackDataset(bytes, `The stored copy of ${source.name}`), note: `${source.name} was read from this browser's storage (no download).` };
      } catch (err) {
        await cache.delete(source.key);
        throw new DatasetError(`${messageOf(err)} It was removed; download it again.`);
      }
    }
  }
}
