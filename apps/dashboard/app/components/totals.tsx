import type { ReactNode } from 'react';

/** A labelled figure of the overview; `name` is what tests and screen readers find it by. */
export function Total({ name, label, children }: { name: string; label: string; children: ReactNode }) {
  return (
    <div className="total" data-total={name}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
