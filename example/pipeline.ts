/**
 * Faasflow's README pipeline on falco: detect faces, check, replay the raw image from the request's
 * state, compress, colorify, then POST the result to a callback (here a server on loopback).
 * `node dist/example/pipeline.js`
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deployable } from '../src/index.js';
import { pipeline } from '../flows/index.js';
import { createPlatform } from '../platforms/index.js';

const facedetect = deployable<{ image: string }, { faces: number }>({ runtime: 'nodejs:20', name: 'facedetect', code: { source: 'function main({ image }) { return { faces: (image.match(/face/g) || []).length }; }' } });
const compress = deployable<{ image: string }, { image: string }>({ runtime: 'nodejs:20', name: 'compress', code: { source: 'function main({ image }) { return { image: image.replace(/ +/g, " ") }; }' } });
const colorify = deployable<{ image: string }, { image: string }>({ runtime: 'python:3', name: 'colorify', code: { source: 'def main(args):\n    return {"image": args["image"].upper()}\n' } });

const received: unknown[] = [];
const server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk));
  request.on('end', () => (received.push(JSON.parse(body)), response.end()));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/storage`;

const faces = pipeline<{ image: string }>('faces')
  .modify((data, { state }) => {
    state.set('raw-image', data.image); // travels with the request to later phases
    return data;
  })
  .apply(facedetect) // async (the default): ends phase 0
  .modify((data, { state }) => {
    if (data.faces === 0) throw new Error('no face in the image');
    return { image: state.get<string>('raw-image')! };
  })
  .apply(compress, { sync: true })
  .apply(colorify) // ends phase 1
  .callback(callbackUrl, { headers: { authorization: 'Bearer example-token' }, query: { id: '3345612358265349126' } })
  .onFailure((error) => ({ image: `rejected: ${error.message}` }))
  .finally((final) => console.log(`finally: ${final.state}`));

const platform = await createPlatform('local');
const { output, requestId } = await faces.run({ image: 'a face  and another face' }, { platform });
console.log(output); // { image: 'A FACE AND ANOTHER FACE' }
console.log(received); // [ { image: 'A FACE AND ANOTHER FACE' } ]
console.log((await faces.status(requestId))?.timings.length); // 3 phases
await platform.close();
server.close();
