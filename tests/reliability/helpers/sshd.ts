// A real OpenSSH server on 127.0.0.1 for the remote-target tests: a throwaway host key and user key in a private
// folder, key authentication only, and an ssh client config that trusts exactly that host key (nothing turned off).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { projectTempDir } from '../../setup/project-temp'

export const SSHD = '/usr/sbin/sshd'
export const sshAvailable =
  existsSync(SSHD) && existsSync('/usr/bin/ssh') && existsSync('/usr/bin/ssh-keygen')

export interface Sshd {
  port: number
  dir: string
  /** The client side: AMDAHL_SSH_COMMAND for a CLI that should use this server. */
  sshCommand: string
  identity: string
  destination: string
  process: ChildProcess
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export async function startSshd(): Promise<Sshd> {
  const { dir, remove } = projectTempDir('amdahl-sshd-')
  const key = (name: string) => {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)])
    return join(dir, name)
  }
  const hostKey = key('host_key')
  const userKey = key('user_key')
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`))
  const port = await freePort()
  // sshd's privilege-separation folder (Debian creates it only when the service starts).
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The test folder lives in the project; its modes are not sshd's business here.
      'StrictModes no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  )
  const hostPub = readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`)
  writeFileSync(
    join(dir, 'ssh_config'),
    [
      `Host *`,
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  )
  const sshd = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  sshd.stderr?.on('data', (c: Buffer) => (log += c.toString()))
  // Ready when a client gets in.
  const destination = `${userInfo().username}@127.0.0.1:${port}`
  const sshCommand = `ssh -F ${join(dir, 'ssh_config')}`
  const deadline = Date.now() + 90_000
  let last = ''
  for (;;) {
    try {
      execFileSync(
        'ssh',
        [
          '-F',
          join(dir, 'ssh_config'),
          '-o',
          'BatchMode=yes',
          '-i',
          userKey,
          '-p',
          String(port),
          `${userInfo().username}@127.0.0.1`,
          'true',
        ],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
          timeout: 45_000,
        },
      )
      break
    } catch (error) {
      last = String((error as { stderr?: Buffer }).stderr ?? error).trim()
      if (Date.now() > deadline || sshd.exitCode !== null) {
        sshd.kill('SIGKILL')
        if (!process.env.AMDAHL_KEEP_SSHD) remove()
        throw new Error(`sshd did not start: ${log.trim().split('\n').at(-1) || last || 'no output'}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  return {
    port,
    dir,
    sshCommand,
    identity: userKey,
    destination,
    process: sshd,
    async stop() {
      if (sshd.exitCode === null) {
        const gone = new Promise((r) => sshd.once('exit', r))
        sshd.kill('SIGTERM')
        await gone
      }
      remove()
    },
  }
}
