// The one error a person is meant to read: thrown by the service and the history, worded for the user, and carried
// as such through every transport (IPC, HTTP, the CLI). Free of zod, so the history's listing path loads no schema.
export class ApiError extends Error {
  override name = 'ApiError'
}
