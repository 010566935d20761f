// The password of encrypted key files: --password-file (its first line), else VERITY_PASSWORD, else,
// at a terminal, a prompt that does not echo what is typed (as geth's). Never a flag's value: shell
// history and process lists would show it.
import { readFileSync } from "node:fs";
import type { ValidatorKeys } from "../chain/validator-keys.js";
import { isEncryptedKeyFile, passwordFrom, readValidatorKeyFile } from "../keystore/key-files.js";
import { UsageError } from "./args.js";

export interface PasswordSource {
  passwordFile?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** A terminal to prompt on (process.stdin when it is a TTY); null: never prompt. */
  terminal?: NodeJS.ReadStream | null;
}

const stdinTerminal = (): NodeJS.ReadStream | null => (process.stdin.isTTY ? process.stdin : null);

/** Reads a line from a terminal in raw mode, echoing nothing; Ctrl-C or Ctrl-D cancel. */
export function promptHidden(question: string, input: NodeJS.ReadStream, output: NodeJS.WritableStream = process.stderr): Promise<string> {
  output.write(question);
  input.setRawMode(true);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = () => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          finish();
          resolve(typed);
          return;
        }
        if (ch === "\u0003" || ch === "\u0004") {
          finish();
          reject(new UsageError("no password given (cancelled)"));
          return;
        }
        typed = ch === "\u007f" || ch === "\b" ? typed.slice(0, -1) : typed + ch;
      }
    };
    input.on("data", onData);
  });
}

/** The password to open key files with, or null when none is given and there is no terminal. */
export async function passwordToOpen(o: PasswordSource, what: string): Promise<string | null> {
  const given = passwordFrom(o);
  if (given !== null) return given;
  const terminal = o.terminal === undefined ? stdinTerminal() : o.terminal;
  return terminal ? promptHidden(`Password for ${what}: `, terminal) : null;
}

/** The password to encrypt new key files with: given, or typed twice at a terminal; never empty. */
export async function passwordToEncrypt(o: PasswordSource, what: string): Promise<string> {
  let p = passwordFrom(o);
  const terminal = o.terminal === undefined ? stdinTerminal() : o.terminal;
  if (p === null && terminal) {
    p = await promptHidden(`New password for ${what}: `, terminal);
    if ((await promptHidden("Repeat it: ", terminal)) !== p) throw new UsageError("the passwords do not match");
  }
  if (p === null) throw new UsageError("a password is needed: give --password-file FILE or set VERITY_PASSWORD");
  if (p === "") throw new UsageError("the password is empty");
  return p;
}

/** Opens validator key files, asking for the password (once) only if one of them is encrypted. */
export async function openValidatorKeyFiles(files: string[], o: PasswordSource): Promise<Array<{ file: string; keys: ValidatorKeys }>> {
  let password: Promise<string | null> | undefined;
  const out: Array<{ file: string; keys: ValidatorKeys }> = [];
  for (const file of files) {
    const encrypted = isEncryptedKeyFile(readFileSync(file, "utf8"), file);
    if (encrypted) password ??= passwordToOpen(o, "the validator key files");
    out.push({ file, keys: await readValidatorKeyFile(file, encrypted ? await password! : null) });
  }
  return out;
}
