import type { MenuStructure } from "../../../../worker/shared/menu-schema";

export type MenuView = {
  id: string;
  name: string;
  type: "button" | "list" | "text";
  trigger_keywords: string[];
  menu_structure: MenuStructure;
  is_active: boolean;
  preview: string;
  created_at: string;
  updated_at: string;
};

export const EXAMPLE_MENU = {
  start: "main",
  ttl_minutes: 30,
  steps: {
    main: {
      prompt: "Hi! How can we help you today?",
      options: [
        { id: "sales", title: "Talk to sales", next: "ask_name" },
        { id: "hours", title: "Opening hours", next: "hours" },
      ],
    },
    ask_name: { prompt: "Great! What's your name?", input: { key: "name", next: "done" } },
    hours: { prompt: "We're open 9:00–18:00, Monday to Friday.", end: { handoff: "none" } },
    done: { prompt: "Thanks, {{name}}! Someone from sales will reply here shortly.", end: { tag: "lead", handoff: "human" } },
  },
};
