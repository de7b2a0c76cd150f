// The native application menu as a template (type-only Electron import, so it is unit-tested in plain Node).
import type { MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../../common/contract'

export interface MenuOptions {
  isMac: boolean
  /** Development build: adds reload and developer tools. */
  dev: boolean
  appName: string
  send(command: MenuCommand): void
  about(): void
}

export function menuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { isMac, dev, appName, send, about } = options
  /** Run / Cancel / Export: each item only forwards its MenuCommand to the renderer, which owns the action. */
  const command = (label: string, cmd: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    id: cmd,
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(cmd),
  })
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      // Escape also cancels, but the renderer owns that key: as a global accelerator it would steal Escape from inputs.
      command('Run sweep', 'run', 'CmdOrCtrl+R'),
      command('Cancel sweep', 'cancel', 'CmdOrCtrl+.'),
      { type: 'separator' },
      command('Export CSV…', 'export-csv', 'CmdOrCtrl+E'),
      command('Export samples CSV…', 'export-samples-csv'),
      command('Export JSON…', 'export-json', 'CmdOrCtrl+Shift+E'),
      command('Export chart PNG…', 'export-png', 'CmdOrCtrl+P'),
      ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
    ],
  }
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  }
  // The machines a sweep can run on (issue 14): the panel beside the form, where targets are added, checked and
  // removed; the sweep's own target is chosen in the form.
  const targets: MenuItemConstructorOptions = {
    label: '&Targets',
    submenu: [command('Manage targets…', 'targets', 'CmdOrCtrl+Shift+T')],
  }
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      // Ctrl+R is "Run sweep", so reload moves to F5 (development builds only).
      ...(dev
        ? [
            { role: 'reload', accelerator: 'F5' } as const,
            { role: 'toggleDevTools' } as const,
            { type: 'separator' } as const,
          ]
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  }
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: `About ${appName}`, click: () => about() }],
  }
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    file,
    edit,
    view,
    targets,
    ...(isMac ? [{ role: 'windowMenu' } as const] : []),
    help,
  ]
}

/** The About box's details: what a bug report needs. */
export function aboutDetail(
  version: string,
  versions: Partial<Record<'electron' | 'chrome' | 'node' | 'v8', string>>,
  platform: string,
  arch: string,
): string {
  return [
    `Version ${version}`,
    `Electron ${versions.electron ?? '?'}`,
    `Chromium ${versions.chrome ?? '?'}`,
    `Node ${versions.node ?? '?'}`,
    `V8 ${versions.v8 ?? '?'}`,
    `${platform} ${arch}`,
  ].join('\n')
}
