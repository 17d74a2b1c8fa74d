/** A filter's options from a label table (`{ active: 'Activos', … }`), in its order. */
export function optionsOf<K extends string>(labels: Record<K, string>): { id: K; name: string }[] {
  return (Object.keys(labels) as K[]).map((id) => ({ id, name: labels[id] }));
}
