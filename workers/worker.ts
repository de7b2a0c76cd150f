// Worker entry registered with workerpool (placeholder until the engine lands).
import workerpool from 'workerpool'

workerpool.worker({ ping: () => 'pong' })
