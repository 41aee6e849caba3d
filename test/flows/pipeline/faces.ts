import { deployable } from '../../../src/index.js';
import { pipeline, type FinalState, type FinallyHandler } from '../../../flows/index.js';

/** Faasflow's README pipeline, on falco: detect faces, check, replay the raw image, compress, colorify, then a callback. */
export const facedetect = deployable<{ image: string }, { faces: number; image: string }>({
  runtime: 'nodejs:20',
  name: 'facedetect',
  code: { source: 'function main({ image, __ow_headers }) { if (__ow_headers.method !== "post") throw new Error("no method header"); return { faces: (image.match(/face/g) || []).length, image: "[detected]" }; }' },
});
export const compress = deployable<{ image: string }, { image: string; compressed: boolean }>({
  runtime: 'nodejs:20',
  name: 'compress',
  code: { source: 'function main({ image }) { return { image: image.replace(/ +/g, " "), compressed: true }; }' },
});
export const colorify = deployable<{ image: string }, { image: string; colored: boolean }>({
  runtime: 'nodejs:20',
  name: 'colorify',
  code: { source: 'function main({ image }) { return { image: image.toUpperCase(), colored: true }; }' },
});

export const TOKEN = 'callback-s3cret-token';
export const QUERY_SECRET = 'q-s3cret-3345612358265349126';

export interface FacesOptions {
  readonly sync: boolean;
  readonly callback: string;
  readonly finals?: FinalState<unknown>[];
  readonly onFinally?: FinallyHandler<{ image: string; colored: boolean }>;
  /** Replaces the failure handler (default: rethrow). */
  readonly recover?: (error: Error) => { image: string; colored: boolean };
}

export function facesPipeline(options: FacesOptions) {
  const { sync } = options;
  return pipeline<{ image: string }>('faces')
    .modify((data, { state }) => {
      state.set('raw-image', data.image);
      return data;
    })
    .apply(facedetect, { sync, headers: { method: 'post' } })
    .modify((data, { state }) => {
      if (data.faces === 0) throw new Error('no face in the image');
      return { image: state.get<string>('raw-image')! };
    })
    .apply(compress, { sync })
    .apply(colorify, { sync })
    .callback(options.callback, { headers: { authorization: `Bearer ${TOKEN}` }, query: { id: QUERY_SECRET } })
    .onFailure((error) => {
      if (options.recover) return options.recover(error);
      throw error;
    })
    .finally(async (final, context) => {
      options.finals?.push(final);
      await options.onFinally?.(final, context);
    });
}
