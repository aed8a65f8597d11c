// Types of scripts/test-services.mjs for the TypeScript tests that import it.

export type ServiceName = 'postgres' | 'mysql' | 'redis'

/** One running server: what any process needs to reach, stop or start it again. */
export interface Service {
  name: ServiceName
  url: string
  port: number
  /** Its temp dir: data, socket, pid file and server.log. */
  dir: string
  log: string
  pidFile: string
  /** Runs the server in the foreground on the same port and data dir. */
  command: string[]
  stopSignal: NodeJS.Signals
}

export interface ServicesHandle {
  /** The handle as JSON; scripts/test.mjs passes its path in TW_TEST_SERVICES_FILE. */
  file: string
  /** The process that started the servers and stops them with stopServices. */
  ownerPid: number
  services: Partial<Record<ServiceName, Service>>
  /** Why a server is not running, by name. */
  skipped: Partial<Record<ServiceName, string>>
}

export function startServices(options?: { required?: boolean; only?: ServiceName[] }): Promise<ServicesHandle>
export function stopServices(handle: ServicesHandle): Promise<void>
export function controlService(handle: Pick<ServicesHandle, 'ownerPid' | 'services'>, name: ServiceName, action: 'stop' | 'start'): Promise<void>
