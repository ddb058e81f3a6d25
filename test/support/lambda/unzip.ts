/**
 * Extracts a function's deployment zip as Lambda does before the first invoke. Enough of the zip
 * format for what serverless-esbuild writes (stored or deflated entries, no zip64), so the harness
 * needs no `unzip` binary on a fresh CI machine.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { inflateRawSync } from "node:zlib";

const endOfCentralDirectory = 0x06054b50;
const centralDirectoryEntry = 0x02014b50;
const localFileHeader = 0x04034b50;

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 65_535); offset -= 1) {
    if (zip.readUInt32LE(offset) === endOfCentralDirectory) return offset;
  }
  throw new Error("not a zip archive: no end-of-central-directory record");
}

/**
 * Writes every file of the zip at `zipPath` under `destination`; returns the paths written, relative.
 *
 * @example
 * ```ts
 * extractZip("/tmp/pkg/discover.zip", taskRoot); // ["functions/discover/handler.cjs", …]
 * ```
 */
export function extractZip(zipPath: string, destination: string): string[] {
  const zip = readFileSync(zipPath);
  const end = findEndOfCentralDirectory(zip);
  const entries = zip.readUInt16LE(end + 10);
  let entry = zip.readUInt32LE(end + 16);
  const written: string[] = [];
  for (let index = 0; index < entries; index += 1) {
    if (zip.readUInt32LE(entry) !== centralDirectoryEntry)
      throw new Error(`${zipPath}: bad central directory`);
    const method = zip.readUInt16LE(entry + 10);
    const compressedSize = zip.readUInt32LE(entry + 20);
    const nameLength = zip.readUInt16LE(entry + 28);
    const extraLength = zip.readUInt16LE(entry + 30);
    const commentLength = zip.readUInt16LE(entry + 32);
    const localHeader = zip.readUInt32LE(entry + 42);
    const name = zip.toString("utf8", entry + 46, entry + 46 + nameLength);
    entry += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    const relative = normalize(name);
    if (relative.startsWith("..")) throw new Error(`${zipPath}: entry ${name} leaves the folder`);
    if (zip.readUInt32LE(localHeader) !== localFileHeader) throw new Error(`${zipPath}: bad entry ${name}`);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8)
      throw new Error(`${zipPath}: ${name} uses compression method ${method}`);
    const target = join(destination, relative);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, method === 8 ? inflateRawSync(data) : data);
    written.push(relative);
  }
  return written;
}
