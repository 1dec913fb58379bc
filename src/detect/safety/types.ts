// The harm categories of the content-safety detector and their severities.
export const SAFETY_TYPES = ['HATE', 'SEXUAL', 'VIOLENCE', 'SELF_HARM', 'WEAPONS', 'CRIME'] as const;
export type SafetyType = (typeof SAFETY_TYPES)[number];

export const SAFETY_SEVERITIES = ['low', 'medium', 'high'] as const;
export type SafetySeverity = (typeof SAFETY_SEVERITIES)[number];
