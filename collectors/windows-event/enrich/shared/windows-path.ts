/** The parts of a Windows path as ECS `file.*` names them: after the last `\`, before it, and the extension without its dot. */
export interface PathParts { name: string; directory: string; extension?: string }

export function windowsPathParts(path: string): PathParts | undefined {
  const cut = path.lastIndexOf('\\');
  if (cut < 0) return undefined;
  const name = path.slice(cut + 1);
  const dot = name.lastIndexOf('.');
  return { name, directory: path.slice(0, cut), extension: dot >= 0 && dot < name.length - 1 ? name.slice(dot + 1) : undefined };
}

/** The file name of an executable's path (`C:\Windows\System32\cmd.exe` → `cmd.exe`); undefined without a `\`. */
export function executableName(path: string): string | undefined {
  const cut = path.lastIndexOf('\\');
  return cut < 0 || cut === path.length - 1 ? undefined : path.slice(cut + 1);
}
