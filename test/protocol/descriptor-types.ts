/** Shape of the generated field descriptors the property tests build values from. */
export interface FieldDescriptor {
  name: string;
  type: string;
  versions: string;
  nullable?: string;
  tagged?: string;
  tag?: number;
  struct?: string;
  ignorable?: boolean;
  classicOnly?: boolean;
}

export interface MessageDescriptor {
  name: string;
  /** Module path under src/protocol/generated, without extension. */
  module: string;
  validVersions: string;
  flexibleVersions: string;
  structs: Record<string, FieldDescriptor[]>;
}
