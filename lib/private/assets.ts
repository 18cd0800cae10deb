import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

const cache = new Map<string, string>();

/**
 * Directory of a prebuilt handler bundle (`assets/handlers/<name>`), built by `npm run build`.
 * Works from the TypeScript sources (lib/private) and from the compiled package (dist/lib/private).
 */
export function handlerAssetPath(name: string): string {
  const cached = cache.get(name);
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'assets', 'handlers', name);
    if (fs.existsSync(path.join(candidate, 'index.js'))) {
      cache.set(name, candidate);
      return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cdk-bedrock-foundation: the prebuilt handler bundle '${name}' (assets/handlers/${name}/index.js) is missing; `
    + 'run `npm run build` in the library checkout (a published package ships it prebuilt).');
}

/** `lambda.Code` for a prebuilt handler. Every function of one kind shares the same asset (one upload). */
export function handlerCode(name: string): lambda.Code {
  return lambda.Code.fromAsset(handlerAssetPath(name));
}
