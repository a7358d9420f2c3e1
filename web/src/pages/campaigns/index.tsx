import { useRoute } from "preact-iso";
import { CampaignList } from "./list";
import { NewCampaign } from "./new";
import { ShowCampaign } from "./show";

export function Campaigns() {
  const { params } = useRoute();
  const rest = params.rest ?? "";
  if (rest === "") return <CampaignList />;
  if (rest === "new") return <NewCampaign />;
  return <ShowCampaign id={rest} />;
}
