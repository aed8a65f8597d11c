// `tokenwarden/fastify`: the Fastify plugin alone.

export { tokenwarden, tokenwarden as default, type GuardOptions, type TokenwardenPluginOptions } from './http/plugin/index.js'
export type { HeaderOptions } from './http/plugin/extract.js'
