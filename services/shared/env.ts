/** Unset and empty are the same thing in shells and compose files (an empty PORT is not port 0). */
export const blankAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);
