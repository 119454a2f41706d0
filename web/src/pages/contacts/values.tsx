// How the contact and account screens show a record's values: a dash for an empty one, phone
// numbers, email addresses and websites as links.

import { webHref } from './directory.ts';

/** An empty value. */
export function None() {
  return <span class="muted crm-none">—</span>;
}

export function PhoneLink(props: { number: string }) {
  return <a href={`tel:${props.number.replace(/[^\d+]/g, '')}`}>{props.number}</a>;
}

export function EmailLink(props: { address: string }) {
  return <a href={`mailto:${props.address}`}>{props.address}</a>;
}

/** A website opens in a new tab; text that is no web address stays text. */
export function WebsiteLink(props: { url: string }) {
  const href = webHref(props.url);
  return href ? (
    <a href={href} rel="noopener noreferrer" target="_blank">
      {props.url}
    </a>
  ) : (
    <span>{props.url}</span>
  );
}
