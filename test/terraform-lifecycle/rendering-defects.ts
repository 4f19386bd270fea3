/*
 * Scans a synthesized Terraform JSON document for the two known cdktf 0.21.0 rendering defects:
 * `undefined` anywhere in an expression (Op.eq(x, false|0|"")) and `${` inside
 * `lifecycle.replace_triggered_by` (a resource instead of its bare address).
 */

/** One finding: the JSON path and the offending string. */
export interface RenderingDefect {
  readonly path: string;
  readonly value: string;
}

export function renderingDefects(doc: any): RenderingDefect[] {
  const out: RenderingDefect[] = [];
  const walk = (v: any, path: string, inReplaceTriggeredBy: boolean) => {
    if (typeof v === 'string') {
      if (/\bundefined\b/.test(v)) out.push({ path, value: v });
      else if (inReplaceTriggeredBy && v.includes('${')) out.push({ path, value: v });
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, inReplaceTriggeredBy));
    else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) walk(v[k], path ? `${path}.${k}` : k, inReplaceTriggeredBy || k === 'replace_triggered_by');
    }
  };
  walk(doc, '', false);
  return out;
}
