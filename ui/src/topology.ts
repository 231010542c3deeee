/**
 * A flow's topology: the server's task graph (`GET /api/v1/flows/{namespace}/{id}/graph`,
 * app/src/graph/flow-graph.ts) laid out by elkjs (layered, left to right, groups laid out inside
 * their parent) and drawn as one self-contained SVG — presentation attributes only, no stylesheet —
 * so the same element is shown on the page and exported as SVG, or rasterised on a canvas as PNG/JPG.
 */
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { FlowGraph, GraphEdge, GraphGroup, GraphItem } from '../../app/src/graph/flow-graph.ts';

const SVG = 'http://www.w3.org/2000/svg';
const FONT = '12px ui-sans-serif, system-ui, sans-serif';
const NODE_H = 34;
const GROUP_TOP = 26;

/** Colours per group role: a flowable task, a branch, and the flow's own errors/finally lists. */
const GROUP_STYLE: Record<GraphGroup['role'], { fill: string; stroke: string; dash?: string }> = {
  flowable: { fill: '#f1f5fd', stroke: '#8aa6e8' },
  branch: { fill: '#ffffff', stroke: '#b9c2d3', dash: '4 3' },
  errors: { fill: '#fdf1f0', stroke: '#e0928e' },
  finally: { fill: '#f4f1fb', stroke: '#a995dd' },
  afterExecution: { fill: '#f0f8f3', stroke: '#86c4a0' },
};

/** Options are per level: each group lays out its children. The order of the YAML is kept (the flow's tasks, then errors/finally/afterExecution; then before else). */
const ORDER = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.considerModelOrder.components': 'MODEL_ORDER',
};

let measurer: CanvasRenderingContext2D | null | undefined;
function textWidth(text: string, bold = false): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (measurer === null) return text.length * 8;
  measurer.font = bold ? `600 ${FONT}` : FONT;
  return measurer.measureText(text).width;
}

function edgesOf(edges: readonly GraphEdge[]): ElkExtendedEdge[] {
  return edges.map((e) => ({ id: `${e.from}->${e.to}`, sources: [e.from], targets: [e.to] }));
}

function elkNode(item: GraphItem): ElkNode {
  if (item.kind === 'task')
    return { id: item.id, width: Math.ceil(textWidth(item.label)) + 24, height: NODE_H };
  return {
    id: item.id,
    layoutOptions: {
      ...ORDER,
      'elk.padding': `[top=${GROUP_TOP + 8},left=12,bottom=12,right=12]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${Math.ceil(textWidth(item.label, item.role !== 'branch')) + 24}, 40)`,
    },
    children: item.children.map(elkNode),
    edges: edgesOf(item.edges),
  };
}

function itemsById(graph: FlowGraph): Map<string, GraphItem> {
  const out = new Map<string, GraphItem>();
  const walk = (items: readonly GraphItem[]) => {
    for (const i of items) {
      out.set(i.id, i);
      if (i.kind === 'group') walk(i.children);
    }
  };
  walk(graph.children);
  walk(graph.lists);
  return out;
}

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Lays the graph out and draws it; the SVG's width and height are its size in CSS pixels. */
export async function topologySvg(graph: FlowGraph): Promise<SVGSVGElement> {
  // The bundled build runs in the page (no worker file to serve); loaded only when a graph is shown.
  // A CommonJS module: its default import is the constructor itself.
  const Elk = (await import('elkjs/lib/elk.bundled.js')).default as unknown as new () => ELK;
  const laid: ElkNode = await new Elk().layout({
    id: 'root',
    layoutOptions: {
      'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.nodeNode': '20',
      ...ORDER,
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      // Every shape and edge in the page's coordinates, so drawing needs no offsets.
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: [...graph.children, ...graph.lists].map(elkNode),
    edges: edgesOf(graph.edges),
  });
  const byId = itemsById(graph);
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  const svg = el('svg', {
    xmlns: SVG,
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    'font-family': 'ui-sans-serif, system-ui, sans-serif',
    'font-size': 12,
    class: 'topology',
  });
  const defs = el('defs', {});
  const marker = el('marker', {
    id: 'arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.append(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#6b7280' }));
  defs.append(marker);
  svg.append(el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }), defs);

  const edgeLayer = el('g', { class: 'edges' });
  const drawEdges = (edges: readonly ElkExtendedEdge[] | undefined) => {
    for (const e of edges ?? []) {
      for (const s of e.sections ?? []) {
        const pts = [s.startPoint, ...(s.bendPoints ?? []), s.endPoint];
        edgeLayer.append(
          el('path', {
            d: pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '),
            fill: 'none',
            stroke: '#6b7280',
            'stroke-width': 1.4,
            'marker-end': 'url(#arrow)',
          }),
        );
      }
    }
  };
  const drawNode = (n: ElkNode) => {
    const item = byId.get(n.id);
    if (item === undefined) return;
    const box = { x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 };
    const g = el('g', {
      class: item.kind === 'task' ? 'node' : `group group-${item.role}`,
      'data-id': item.id,
      ...(item.kind === 'task' || item.taskId !== undefined ? { 'data-task-id': item.taskId ?? '' } : {}),
    });
    if (item.kind === 'task') {
      g.append(
        el('title', {}, item.type),
        el('rect', { ...box, rx: 6, fill: '#ffffff', stroke: '#2458d6', 'stroke-width': 1.2 }),
        el('text', { x: box.x + 12, y: box.y + box.height / 2 + 4, fill: '#1d2330' }, item.label),
      );
      svg.append(g);
      return;
    }
    const style = GROUP_STYLE[item.role];
    g.append(
      el('rect', {
        ...box,
        rx: 8,
        fill: style.fill,
        stroke: style.stroke,
        'stroke-width': 1.2,
        ...(style.dash === undefined ? {} : { 'stroke-dasharray': style.dash }),
      }),
      el(
        'text',
        { x: box.x + 10, y: box.y + 17, fill: '#4b5563', 'font-weight': item.role === 'branch' ? 400 : 600 },
        item.label,
      ),
    );
    if (item.type !== undefined) g.prepend(el('title', {}, item.type));
    svg.append(g);
    for (const child of n.children ?? []) drawNode(child);
    drawEdges(n.edges);
  };
  for (const n of laid.children ?? []) drawNode(n);
  drawEdges(laid.edges);
  svg.append(edgeLayer);
  return svg;
}

export type ImageFormat = 'svg' | 'png' | 'jpg';

/** The SVG as a standalone file. */
export function svgBlob(svg: SVGSVGElement): Blob {
  const text = new XMLSerializer().serializeToString(svg);
  return new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${text}`], { type: 'image/svg+xml' });
}

/** The SVG drawn on a canvas at `scale` (2: sharp on high-density screens and in documents). */
export async function rasterise(svg: SVGSVGElement, format: 'png' | 'jpg', scale = 2): Promise<Blob> {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const img = new Image(width, height);
  const url = URL.createObjectURL(svgBlob(svg));
  try {
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('this browser gives no 2D canvas to draw the image on');
    // JPG has no transparency: a white page under the drawing.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    const type = format === 'png' ? 'image/png' : 'image/jpeg';
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b === null ? reject(new Error(`the canvas made no ${format} image`)) : resolve(b)),
        type,
        0.92,
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Hands a blob to the browser as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
