/** The sObjects the Salesforce fake keeps, described the way `/sobjects/<type>/describe` does. */
export interface FieldDef {
  name: string;
  label: string;
  type: 'id' | 'string' | 'email' | 'phone' | 'url' | 'textarea' | 'picklist' | 'reference' | 'datetime' | 'date' | 'double' | 'currency' | 'percent' | 'int' | 'boolean';
  length?: number;
  createable: boolean;
  updateable: boolean;
  nillable: boolean;
  externalId?: boolean;
  picklist?: readonly string[];
  /** A restricted picklist refuses values outside `picklist`. */
  restricted?: boolean;
  defaultValue?: string | boolean;
  referenceTo?: readonly string[];
}

export interface ObjectDef {
  name: string;
  label: string;
  keyPrefix: string;
  fields: FieldDef[];
}

const text = (name: string, label: string, length = 255, extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'string', length, createable: true, updateable: true, nillable: true, ...extra });
const required = (f: FieldDef): FieldDef => ({ ...f, nillable: false });
const email = (name = 'Email'): FieldDef => ({ name, label: 'Email', type: 'email', length: 80, createable: true, updateable: true, nillable: true });
const phone: FieldDef = { name: 'Phone', label: 'Phone', type: 'phone', length: 40, createable: true, updateable: true, nillable: true };
const longText = (name: string, label: string, length = 32_000): FieldDef => ({ name, label, type: 'textarea', length, createable: true, updateable: true, nillable: true });
const picklist = (name: string, label: string, values: readonly string[], extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'picklist', length: 255, picklist: values, createable: true, updateable: true, nillable: true, ...extra });
const reference = (name: string, label: string, to: readonly string[], extra: Partial<FieldDef> = {}): FieldDef => ({ name, label, type: 'reference', length: 18, referenceTo: to, createable: true, updateable: true, nillable: true, ...extra });
const externalId = (name: string): FieldDef => text(name, name.replace(/__c$/, '').replace(/_/g, ' '), 255, { externalId: true });

/** Id and the audit stamps every object has; only Salesforce sets them. */
const system: FieldDef[] = [
  { name: 'Id', label: 'Record ID', type: 'id', length: 18, createable: false, updateable: false, nillable: false },
  { name: 'CreatedDate', label: 'Created Date', type: 'datetime', createable: false, updateable: false, nillable: false },
  { name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', createable: false, updateable: false, nillable: false },
  { name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', createable: false, updateable: false, nillable: false },
];

/** A person's name, as Contact and Lead hold it (LastName required). */
const personName: FieldDef[] = [text('FirstName', 'First Name', 40), required(text('LastName', 'Last Name', 80))];

/** A standard object: its label is its name. */
const standardObject = (name: string, keyPrefix: string, fields: FieldDef[]): ObjectDef => ({ name, label: name, keyPrefix, fields });

const leadSource = picklist('LeadSource', 'Lead Source', ['Web', 'Phone Inquiry', 'Partner Referral', 'Intercom', 'Other']);

export const sobjects: ObjectDef[] = [
  standardObject('Account', '001', [
    ...system,
    required(text('Name', 'Account Name')),
    { name: 'Website', label: 'Website', type: 'url', length: 255, createable: true, updateable: true, nillable: true },
    phone,
    picklist('Industry', 'Industry', ['Technology', 'Retail', 'Finance', 'Healthcare']),
    { name: 'NumberOfEmployees', label: 'Employees', type: 'int', createable: true, updateable: true, nillable: true },
    externalId('Intercom_Company_Id__c'),
    // Custom fields an org adds for the companies sync (recipes/syncs/intercom-salesforce-companies.json).
    { name: 'Monthly_Spend__c', label: 'Monthly Spend', type: 'currency', createable: true, updateable: true, nillable: true },
    text('Tier__c', 'Tier', 40),
  ]),
  standardObject('Contact', '003', [
    ...system,
    ...personName,
    email(),
    phone,
    text('Title', 'Title', 128),
    reference('AccountId', 'Account ID', ['Account']),
    leadSource,
    longText('Description', 'Contact Description'),
    externalId('Intercom_Id__c'),
  ]),
  standardObject('Lead', '00Q', [
    ...system,
    ...personName,
    required(text('Company', 'Company')),
    email(),
    phone,
    picklist('Status', 'Status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'], { restricted: true, defaultValue: 'Open - Not Contacted', nillable: false }),
    leadSource,
    longText('Description', 'Description'),
    externalId('Intercom_Id__c'),
  ]),
  standardObject('Task', '00T', [
    ...system,
    text('Subject', 'Subject'),
    longText('Description', 'Description'),
    reference('WhoId', 'Name ID', ['Contact', 'Lead']),
    reference('WhatId', 'Related To ID', ['Account', 'Case']),
    picklist('Status', 'Status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'], { restricted: true, defaultValue: 'Not Started', nillable: false }),
    picklist('Priority', 'Priority', ['High', 'Normal', 'Low'], { restricted: true, defaultValue: 'Normal', nillable: false }),
    { name: 'ActivityDate', label: 'Due Date Only', type: 'date', createable: true, updateable: true, nillable: true },
    picklist('TaskSubtype', 'Task Subtype', ['Task', 'Email', 'Call'], { restricted: true, updateable: false }),
  ]),
  standardObject('Case', '500', [
    ...system,
    text('Subject', 'Subject'),
    longText('Description', 'Description'),
    picklist('Status', 'Status', ['New', 'Working', 'Escalated', 'Closed'], { restricted: true, defaultValue: 'New', nillable: false }),
    picklist('Origin', 'Case Origin', ['Phone', 'Email', 'Web', 'Chat']),
    picklist('Priority', 'Priority', ['High', 'Medium', 'Low'], { defaultValue: 'Medium' }),
    reference('ContactId', 'Contact ID', ['Contact']),
    reference('AccountId', 'Account ID', ['Account']),
    email('SuppliedEmail'),
  ]),
];

/** Salesforce's 18-character id: the 15-character id plus a 3-character case checksum. */
export function eighteen(id15: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let j = 0; j < 5; j++) if (/[A-Z]/.test(id15[chunk * 5 + j]!)) bits |= 1 << j;
    suffix += alphabet[bits];
  }
  return id15 + suffix;
}

/** Base-62 digits in ASCII order, so ids sort (as strings) in creation order. */
export function base62(n: number, width: number): string {
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let s = '';
  for (; n > 0; n = Math.floor(n / 62)) s = digits[n % 62] + s;
  return s.padStart(width, '0');
}
