// Where Amdahl keeps its data outside Electron (CLI, browser mode, tests); Electron passes its own userData path.
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The per-user data folder: AMDAHL_HOME if set, else the platform's usual place for application data. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.AMDAHL_HOME) return env.AMDAHL_HOME
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'Amdahl')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Amdahl')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'amdahl')
}

/** The folder of saved runs, one JSON file per run. */
export function defaultHistoryDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  return join(defaultDataDir(env, platform, home), 'history')
}
