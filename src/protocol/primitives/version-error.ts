/** A message was asked for at a version its schema does not define. */
export class UnsupportedVersionError extends Error {
  override name = 'UnsupportedVersionError';
  constructor(readonly messageName: string, readonly version: number) {
    super(`${messageName} has no version ${version}`);
  }
}
