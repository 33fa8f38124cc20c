// Types of build-stamp.cjs (plain JavaScript, so the bin can run it before anything is compiled).
export declare const STAMP_FILE: string;
export declare const STAMP_VERSION: number;
export interface InputFile {
  path: string;
  size: number;
  mtimeMs: number;
}
export interface StampedFile extends InputFile {
  sha256: string;
}
export interface BuildStamp {
  version: number;
  builtAt: string;
  files: StampedFile[];
}
export declare function buildInputs(root: string): InputFile[];
export declare function stampNow(root: string): BuildStamp;
export declare function staleBuildReason(root: string): string | null;
