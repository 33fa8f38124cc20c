// Types of cli-layout.cjs (plain JavaScript, so the bin can run it before anything is compiled).
export declare const CLI_FOLDER: string;
export declare const TREE_FILE: string;
export declare const COMMANDS_FILE: string;
export declare const LOAD_COMMANDS_KEY: string;
